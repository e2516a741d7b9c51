import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module';
import { KubeApiController } from './kube-api.controller';
import { KubeControlController } from './kube-control.controller';
import { KubeStateStore } from './kube-state.store';
import { KubeTokenGuard } from './kube-token.guard';

/** The Kubernetes API emulation at /kube, over the cluster view, and its /_sandbox control. */
@Module({
  imports: [ClusterModule],
  controllers: [KubeApiController, KubeControlController],
  providers: [KubeStateStore, KubeTokenGuard],
})
export class KubeModule {}

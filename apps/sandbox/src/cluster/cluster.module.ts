import { Module } from '@nestjs/common';
import { ClusterController } from './cluster.controller';
import { ClusterStore } from './cluster.store';

/** The pretend NKS cluster SourceDeploy applies to, and its sandbox-only view. */
@Module({ controllers: [ClusterController], providers: [ClusterStore], exports: [ClusterStore] })
export class ClusterModule {}

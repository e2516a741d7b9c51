import { Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { KubeStateStore } from './kube-state.store';

/**
 * Sandbox-only: make a namespace's Deployments never become ready (a failed rollout), and undo it;
 * read a namespace's RoleBindings (the services' own token may not).
 */
@Controller('_sandbox/kube')
export class KubeControlController {
  constructor(private readonly state: KubeStateStore) {}

  @Put('never-ready/:namespace')
  @HttpCode(204)
  neverReady(@Param('namespace') namespace: string): void {
    this.state.neverReady.add(namespace);
  }

  @Delete('never-ready/:namespace')
  @HttpCode(204)
  ready(@Param('namespace') namespace: string): void {
    this.state.neverReady.delete(namespace);
  }

  @Get('rolebindings/:namespace')
  roleBindings(@Param('namespace') namespace: string) {
    return [...this.state.roleBindings.values()].filter((b) => b.namespace === namespace);
  }
}

export * from './kube-client';
export * from './kube-errors';
export * from './kube-models';
export * from './kube.module';
export * from './ownership';
export * from './rollout';

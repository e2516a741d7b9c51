export * from './env';
export * from './config';
export * from './config.module';
export * from './security-settings';
export * from './admin-login-settings';
export * from './kubeconfig';
export * from './installation-settings';

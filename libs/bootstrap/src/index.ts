export * from './service-definition';
export * from './create-service';
export * from './run-service';

export * from './principal';
export * from './token-verifier';
export * from './auth.guard';
export * from './current-principal.decorator';
export * from './auth.module';
export * from './password-hash';
export * from './secret-cipher';
export * from './slack-webhook-url';

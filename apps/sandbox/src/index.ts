// What the rest of the system (tests of the whole system, npm start) may use of the sandbox.
export { startSandbox } from './start-sandbox';
export type { RunningSandbox, SandboxExtras } from './start-sandbox';
export { SandboxModule } from './sandbox.module';
export { SANDBOX_DEFAULTS, sandboxOptionsFromEnv } from './config/sandbox-options';
export type { ResolvedSandboxOptions, SandboxOptions } from './config/sandbox-options';

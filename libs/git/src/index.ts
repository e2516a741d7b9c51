// git as a child process with a clean environment, and credentials that never reach argv or disk.
export * from './git-cli';
export * from './git-auth';
export * from './remote-head';

// The GitHub REST client the services use (github.com, GitHub Enterprise or the sandbox).
// docs/github.md lists every call, the two ways to authenticate, caching and errors.
export * from './github.client';
export * from './errors';
export * from './app-jwt';
export * from './names';
export type { GithubRepository } from './repositories';
export type { CollaboratorPermission, RepositoryPermission } from './collaborators';
export type { GithubPullRequest } from './pulls';
export type { BranchHead } from './branches';
export type { RepositoryInstallation, GithubAppInfo } from './installations';
export * from './app-manifest';
export type { CreateDeploymentInput, CreateDeploymentStatusInput, GithubDeploymentState } from './deployments';
export { GITHUB_API_VERSION } from './http';
export * from './github.module';

// NCP DevTools and NCR clients. docs/ncp.md lists every call, where it is used, and the NCP
// facts the client relies on ("api §n" in comments).
export * from './endpoints';
export * from './clients';

export * from './core/signer';
export * from './core/errors';
export * from './core/retry-policy';
export * from './core/http';
export * from './core/response';
export * from './core/signed-api';
export * from './core/ensure';
export * from './core/client-base';

export * from './sourcecommit/sourcecommit.models';
export * from './sourcecommit/sourcecommit.client';

export * from './sourcebuild/build-status';
export * from './sourcebuild/docker-image-tag';
export * from './sourcebuild/sourcebuild.models';
export * from './sourcebuild/sourcebuild.client';

export * from './sourcedeploy/deploy-status';
export * from './sourcedeploy/sourcedeploy.models';
export * from './sourcedeploy/sourcedeploy.builders';
export * from './sourcedeploy/sourcedeploy.client';

export * from './sourcepipeline/sourcepipeline.models';
export * from './sourcepipeline/sourcepipeline.builders';
export * from './sourcepipeline/sourcepipeline.client';

export * from './ncr/ncr.models';
export * from './ncr/registry-url';
export * from './ncr/www-authenticate';
export * from './ncr/ncr-management.client';
export * from './ncr/ncr-registry.client';
export * from './ncp.module';

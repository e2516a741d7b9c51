/**
 * Conventions the provisioner, the runner and the mirror share about each project's NCP setup.
 * Like queue names, they are persistent: provisioned projects already use them.
 */

/** The SourceCommit branch the mirror pushes to and NCP builds and deploys from. */
export const DEPLOY_BRANCH = 'klepaas-deploy';

/** The one multi-document manifest every project deploys (architecture.md, decision 7). */
export const MANIFEST_PATH = 'k8s/deployment.yaml';

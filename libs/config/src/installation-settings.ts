import type { AppName, RawEnv } from './env';

/**
 * What a real installation cannot do without, checked at start outside sandbox mode so a
 * missing value stops the service at once instead of failing the first registration:
 * the NCR registry SourceBuild pushes to and the NKS cluster SourceDeploy deploys to
 * (provisioner, runner), and the public URL (the gateway: the GitHub App's webhook and setup URLs;
 * the runner: the run links it gives GitHub and Slack).
 */
export function checkInstallation(app: AppName, e: RawEnv, problems: string[]): void {
  if (e.KLEPAAS_SANDBOX) return;
  if (app === 'provisioner' || app === 'runner') {
    if (!e.KLEPAAS_NCP_CONTAINER_REGISTRY_NAME && !e.KLEPAAS_NCP_CONTAINER_REGISTRY_URL) {
      problems.push(
        'KLEPAAS_NCP_CONTAINER_REGISTRY_URL: required outside sandbox mode (the NCR registry images are pushed to; or KLEPAAS_NCP_CONTAINER_REGISTRY_NAME)',
      );
    }
    if (!e.KLEPAAS_NCP_NKS_CLUSTER_ID && e.KLEPAAS_NCP_NKS_CLUSTER_NO === undefined) {
      problems.push(
        'KLEPAAS_NCP_NKS_CLUSTER_ID: required outside sandbox mode (the UUID of the NKS cluster projects deploy to; or KLEPAAS_NCP_NKS_CLUSTER_NO)',
      );
    }
  }
  if ((app === 'gateway' || app === 'runner') && !e.KLEPAAS_PUBLIC_URL) {
    problems.push(
      `KLEPAAS_PUBLIC_URL: required by the ${app} outside sandbox mode (the gateway's https URL as GitHub and users reach it${app === 'runner' ? ': the run links in GitHub statuses and Slack messages' : ''})`,
    );
  }
}

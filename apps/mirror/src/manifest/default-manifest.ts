import { Document } from 'yaml';
import { MANIFEST_PATH } from './manifest-limits';
import type { ManifestTarget } from './update-manifest';

/** The seed's defaults for an app that brings no manifest. */
export const DEFAULT_RESOURCES = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '200m', memory: '256Mi' },
} as const;

/** The pull secret every project namespace carries for NCR. */
export const IMAGE_PULL_SECRET = 'ncp-cr';

/** What a `restricted` project's default pod adds, so that it passes the profile it asked for. */
export const RESTRICTED_POD_SECURITY = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } as const;
export const RESTRICTED_CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
} as const;

/**
 * The manifest written when the repository has none: a Deployment and a Service in one
 * multi-document file, because the SourceDeploy scenario reads this one fixed path.
 */
export function defaultManifest(target: ManifestTarget): string {
  const labels = { app: target.appName };
  const restricted = target.podSecurity === 'restricted';
  const metadata = { name: target.appName, namespace: target.namespace, labels };
  const deployment = documentOf({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: target.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...(restricted ? { securityContext: RESTRICTED_POD_SECURITY } : {}),
          imagePullSecrets: [{ name: IMAGE_PULL_SECRET }],
          containers: [
            {
              name: target.appName,
              image: target.image,
              ports: [{ containerPort: target.containerPort }],
              env: [{ name: 'PORT', value: String(target.containerPort) }],
              resources: DEFAULT_RESOURCES,
              ...(restricted ? { securityContext: RESTRICTED_CONTAINER_SECURITY } : {}),
            },
          ],
        },
      },
    },
  });
  deployment.commentBefore =
    ` Written by K-Le-PaaS because the repository had no ${MANIFEST_PATH}.\n` +
    ' Commit your own to GitHub to take over; each deploy sets the image, replicas and namespace.';
  const service = documentOf({
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      selector: labels,
      ports: [{ name: 'http', port: 80, targetPort: target.containerPort, protocol: 'TCP' }],
    },
  });
  return `${deployment.toString({ lineWidth: 0 })}---\n${service.toString({ lineWidth: 0 })}`;
}

/** The label and metadata objects are shared above: write them out in full, never as anchors. */
function documentOf(value: unknown): Document {
  return new Document(value, { aliasDuplicateObjects: false });
}

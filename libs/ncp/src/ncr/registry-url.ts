/**
 * NCR registry addresses: `klepaas-test.kr.ncr.ntruss.com` (https assumed) or a full URL such as
 * the sandbox's `http://127.0.0.1:4000` (docs/configuration.md `KLEPAAS_NCP_CONTAINER_REGISTRY_URL`).
 */
export function normalizeRegistryUrl(registryUrl: string): URL {
  const trimmed = registryUrl.trim().replace(/\/+$/, '');
  if (!trimmed) throw new Error('registry URL is empty');
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
}

/** The registry's NCP name, as SourceBuild's `cmd.dockerbuild.registry` wants: the host's first label. */
export function registryNameFromUrl(registryUrl: string): string {
  return normalizeRegistryUrl(registryUrl).hostname.split('.')[0];
}

/** `host[:port]/image:tag`, the reference a manifest or a pull names. */
export function imageReference(registryUrl: string, image: string, tag: string): string {
  const url = normalizeRegistryUrl(registryUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  return `${url.host}${prefix}/${image}:${tag}`;
}

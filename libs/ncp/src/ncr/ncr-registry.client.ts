import { NcpApiError, NcpUnexpectedResponseError, type NcpCall } from '../core/errors';
import { NcpHttp, type HttpMethod, type RawResponse } from '../core/http';
import { errorFromResponse, parseJson } from '../core/response';
import { redactSecret } from '../core/signer';
import { normalizeRegistryUrl } from './registry-url';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate';

/**
 * Every manifest type a pushed image may have. A registry answers 400 to a manifest HEAD with
 * no Accept, and one that only knows the v2 type would report an OCI image as missing.
 */
export const MANIFEST_ACCEPT_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
] as const;

const IMAGE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const REFERENCE = /^(?:[\w][\w.-]{0,127}|[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,})$/;
/** Docker token spec: a token without `expires_in` lives 60 s. Renew a little early. */
const DEFAULT_TOKEN_SECONDS = 60;
const EARLY_RENEW_MS = 5_000;

export interface NcrRegistryClientOptions {
  /** `klepaas-test.kr.ncr.ntruss.com` (https assumed) or a URL such as `http://127.0.0.1:4000`. */
  registryUrl: string;
  /** `docker login` to NCR takes the NCP access key and secret key (docs/ncp.md, api §7). */
  accessKey: string;
  secretKey: string;
  /**
   * Hosts besides the registry's own that its token realm may name. The realm receives the NCP
   * keys (basic auth), so a registry, or anyone answering for it, must not be able to send them
   * elsewhere (KLEPAAS_NCP_CONTAINER_REGISTRY_AUTH_HOSTS).
   */
  authHosts?: string[];
  http?: NcpHttp;
}

interface CachedAuth {
  authorization: string;
  expiresAt: number;
}

/**
 * The Docker Registry HTTP API v2 side of NCR: does an image tag exist? Follows the 401 challenge
 * (Bearer: token from the realm with basic auth; Basic: the keys directly), as K-Le-PaaS did,
 * since NCR documents no challenge details (docs/ncp.md sections 7, 10).
 */
export class NcrRegistryClient {
  readonly registryUrl: URL;
  private readonly http: NcpHttp;
  private readonly ownsHttp: boolean;
  private readonly basic: () => string;
  private readonly redact: (text: string) => string;
  private readonly tokens = new Map<string, CachedAuth>();
  private readonly authHosts: Set<string>;

  constructor(options: NcrRegistryClientOptions) {
    if (!options.accessKey || !options.secretKey)
      throw new Error('NCR registry access needs the NCP access key and secret key');
    this.registryUrl = normalizeRegistryUrl(options.registryUrl);
    this.authHosts = new Set((options.authHosts ?? []).map((h) => h.toLowerCase()));
    this.ownsHttp = !options.http;
    this.http = options.http ?? new NcpHttp();
    // Closures, not fields: the keys never show up when the client is logged or serialised.
    const { accessKey, secretKey } = options;
    const basic = `Basic ${Buffer.from(`${accessKey}:${secretKey}`).toString('base64')}`;
    this.basic = () => basic;
    this.redact = (text) => redactSecret(redactSecret(text, secretKey), basic.slice(6));
  }

  /** HEAD `/v2/{image}/manifests/{tag}`: 200 → true, 404 → false, anything else → NcpApiError. */
  async manifestExists(image: string, tag: string): Promise<boolean> {
    if (!IMAGE.test(image)) throw new Error(`invalid image name "${image}"`);
    if (!REFERENCE.test(tag)) throw new Error(`invalid tag or digest "${tag}"`);
    const url = this.url(`/v2/${image}/manifests/${tag}`);
    const cached = this.cachedAuth(image);
    let response = await this.head(url, cached);
    if (response.status === 401) {
      this.tokens.delete(image);
      const authorization = await this.answerChallenge(response, image, url);
      response = await this.head(url, authorization);
    }
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    throw errorFromResponse(response.status, response.body, this.call('HEAD', url), response.attempts, this.redact);
  }

  async close(): Promise<void> {
    if (this.ownsHttp) await this.http.close();
  }

  private head(url: URL, authorization: string | undefined): Promise<RawResponse> {
    return this.http.send({
      service: 'NCR registry',
      method: 'HEAD',
      url,
      headers: () => ({ accept: MANIFEST_ACCEPT_TYPES.join(', '), ...(authorization ? { authorization } : {}) }),
    });
  }

  private async answerChallenge(response: RawResponse, image: string, url: URL): Promise<string> {
    const challenges = parseWwwAuthenticate(response.headers['www-authenticate']);
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer) return this.fetchToken(bearer, image, url);
    if (challenges.some((c) => c.scheme === 'basic')) {
      this.tokens.set(image, { authorization: this.basic(), expiresAt: Number.POSITIVE_INFINITY });
      return this.basic();
    }
    throw new NcpApiError({
      status: 401,
      ncpMessage: 'registry refused the request without a Bearer or Basic challenge',
      call: this.call('HEAD', url),
      attempts: response.attempts,
    });
  }

  /** GET `{realm}?service=…&scope=…` with basic auth; the answer carries `token` or `access_token`. */
  private async fetchToken(challenge: AuthChallenge, image: string, url: URL): Promise<string> {
    const realm = this.trustedRealm(challenge.params.realm, url);
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', challenge.params.scope || `repository:${image}:pull`);
    const startedAt = this.http.now();
    const response = await this.http.send({
      service: 'NCR registry token',
      method: 'GET',
      url: realm,
      headers: () => ({ accept: 'application/json', authorization: this.basic() }),
    });
    const call = this.call('GET', realm);
    if (response.status !== 200)
      throw errorFromResponse(response.status, response.body, call, response.attempts, this.redact);
    const parsed = parseJson(response.body);
    const body = (parsed.ok ? parsed.value : undefined) as
      { token?: unknown; access_token?: unknown; expires_in?: unknown } | undefined;
    const token = typeof body?.token === 'string' && body.token ? body.token : body?.access_token;
    if (typeof token !== 'string' || !token) {
      throw new NcpUnexpectedResponseError({
        status: 200,
        ncpMessage: 'token answer has neither token nor access_token',
        call,
      });
    }
    const seconds =
      typeof body?.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    const authorization = `Bearer ${token}`;
    this.tokens.set(image, {
      authorization,
      expiresAt: startedAt + seconds * 1000 - Math.min(EARLY_RENEW_MS, seconds * 100),
    });
    return authorization;
  }

  /**
   * The realm, if the keys may go there: the registry's own host or a host of the configured
   * allow-list, over a scheme no weaker than the registry's. Anything else is refused before a
   * byte is sent.
   */
  private trustedRealm(text: string, url: URL): URL {
    const realm = URL.canParse(text, this.registryUrl.href) ? new URL(text, this.registryUrl) : null;
    const own = realm?.host.toLowerCase() === this.registryUrl.host.toLowerCase();
    const scheme = realm && (realm.protocol === 'https:' || realm.protocol === this.registryUrl.protocol);
    const listed =
      realm && (this.authHosts.has(realm.host.toLowerCase()) || this.authHosts.has(realm.hostname.toLowerCase()));
    if (realm && scheme && (own || listed)) return realm;
    throw new NcpApiError({
      status: 401,
      ncpMessage: `the registry's token realm (${realm ? `${realm.protocol}//${realm.host}` : 'not a URL'}) is not the registry's own host nor an allowed one; the NCP keys are not sent there`,
      call: this.call('HEAD', url),
      attempts: 1,
    });
  }

  private cachedAuth(image: string): string | undefined {
    const cached = this.tokens.get(image);
    if (!cached) return undefined;
    if (cached.expiresAt > this.http.now()) return cached.authorization;
    this.tokens.delete(image);
    return undefined;
  }

  private url(apiPath: string): URL {
    return new URL(`${this.registryUrl.toString().replace(/\/+$/, '')}${apiPath}`);
  }

  private call(method: HttpMethod, url: URL): NcpCall {
    return { service: 'NCR registry', method, url: url.toString() };
  }
}

import type { MirrorRequestedPayload } from '@klepaas/contracts';
import { SOURCECOMMIT_REPOSITORY_NAME } from '@klepaas/ncp';
import { Refusal } from '../refusal';

const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO = /^[A-Za-z0-9_.-]{1,100}$/;
/** A Kubernetes namespace or object name: a DNS-1123 label. */
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** A registry reference with a tag or digest; no spaces, quotes or YAML syntax can hide in it. */
const IMAGE = /^[a-z0-9][a-z0-9._-]*(?::\d+)?(?:\/[a-z0-9._-]+)+(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * Checks what the request puts into URLs, git refs and the manifest before any of it is used.
 * The runner sends well-formed values; this is the mirror not trusting its input.
 */
export function checkRequest(request: MirrorRequestedPayload): void {
  const problems: string[] = [];
  const { source, target } = request;
  if (!GITHUB_OWNER.test(source.owner)) problems.push(`source.owner "${source.owner}" is not a GitHub account name`);
  if (!GITHUB_REPO.test(source.repo) || /^\.+$/.test(source.repo) || source.repo.endsWith('.git')) {
    problems.push(`source.repo "${source.repo}" is not a GitHub repository name`);
  }
  if (!SOURCECOMMIT_REPOSITORY_NAME.test(target.repository)) {
    problems.push(`target.repository "${target.repository}" is not a SourceCommit repository name`);
  }
  if (!isBranchName(target.branch)) problems.push(`target.branch "${target.branch}" is not a valid branch name`);
  if (!DNS_LABEL.test(request.namespace)) problems.push(`namespace "${request.namespace}" is not a DNS-1123 label`);
  if (!DNS_LABEL.test(request.appName)) problems.push(`appName "${request.appName}" is not a DNS-1123 label`);
  if (!IMAGE.test(request.image) || !/[:@]/.test(request.image.slice(request.image.lastIndexOf('/')))) {
    problems.push(`image "${request.image}" is not a registry image reference with a tag`);
  }
  if (problems.length) throw new Refusal('invalid_request', `MirrorRequested is invalid: ${problems.join('; ')}`);
}

/** git's ref rules (git-check-ref-format) for a branch, without spawning git. */
export function isBranchName(name: string): boolean {
  if (!name || name.length > 255 || name === '@' || name.startsWith('-')) return false;
  if ([...name].some((c) => c <= ' ' || c === '\x7f') || /[~^:?*[\\]/.test(name)) return false;
  if (name.includes('..') || name.includes('@{')) return false;
  if (name.startsWith('/') || name.endsWith('/') || name.endsWith('.') || name.includes('//')) return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

/** Why a mirror job was refused; sent as `error.code` of MirrorFailed. */
export type RefusalCode =
  | 'invalid_request'
  | 'manifest_too_large'
  | 'manifest_invalid'
  | 'manifest_alias_limit'
  | 'manifest_forbidden'
  | 'manifest_unsupported'
  | 'github_access'
  | 'source_not_found'
  | 'commit_not_found'
  | 'target_not_found'
  | 'push_rejected'
  | 'superseded';

/**
 * A failure that retrying cannot mend (a refused manifest, a commit that does not exist). The
 * mirror answers it with MirrorFailed (retryable: false) and acks the request; every other
 * error is thrown, so the consumer's retry-then-park rules apply.
 */
export class Refusal extends Error {
  override readonly name = 'Refusal';

  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export function isRefusal(error: unknown): error is Refusal {
  return error instanceof Refusal;
}

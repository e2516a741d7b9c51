/** An image reference split as registries read it: `[host[:port]/]path[:tag][@digest]`. */
export interface ImageRef {
  /** Everything before the tag and digest: the registry host and the image path. */
  repository: string;
  tag: string | null;
  digest: string | null;
}

export function parseImageRef(reference: string): ImageRef {
  const at = reference.indexOf('@');
  const digest = at === -1 ? null : reference.slice(at + 1);
  const named = at === -1 ? reference : reference.slice(0, at);
  // A colon after the last slash starts the tag; one before it is the registry's port.
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  return {
    repository: hasTag ? named.slice(0, colon) : named,
    tag: hasTag ? named.slice(colon + 1) : null,
    digest,
  };
}

/** What a deployment is known by in events: the tag, else the digest, else nothing. */
export function tagOf(reference: string): string | null {
  const { tag, digest } = parseImageRef(reference);
  return tag ?? digest;
}

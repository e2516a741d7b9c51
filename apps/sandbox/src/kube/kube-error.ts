/** An error as the Kubernetes API server sends it: a `Status` object. */
export class KubeError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.status,
    };
  }
}

export const kubeNotFound = (what: string, name: string) =>
  new KubeError(404, 'NotFound', `${what} "${name}" not found`);

/** The few fields of Kubernetes objects this system reads or writes (core/v1, apps/v1, rbac.authorization.k8s.io/v1). */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generation?: number;
  creationTimestamp?: string;
}

export interface Namespace {
  metadata: ObjectMeta;
  status?: { phase?: string };
}

export interface Secret {
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
}

export interface RoleBinding {
  metadata: ObjectMeta;
  roleRef: { apiGroup: 'rbac.authorization.k8s.io'; kind: 'ClusterRole' | 'Role'; name: string };
  subjects: { kind: 'ServiceAccount'; name: string; namespace: string }[];
}

export interface Deployment {
  metadata: ObjectMeta;
  spec?: { replicas?: number; template?: { metadata?: { annotations?: Record<string, string> } } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
  };
}

export interface Pod {
  metadata: ObjectMeta;
  spec?: { containers?: { name: string }[] };
  status?: {
    phase?: string;
    startTime?: string;
    containerStatuses?: { name: string; ready?: boolean; restartCount?: number }[];
  };
}

export interface ObjectList<T> {
  items: T[];
}

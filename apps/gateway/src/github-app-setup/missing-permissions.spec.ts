import { APP_PERMISSIONS } from './app-manifest';
import { missingPermissions } from './missing-permissions';

describe('missingPermissions', () => {
  it('is empty when every permission is held at its level or above', () => {
    expect(
      missingPermissions(
        { contents: 'write', metadata: 'read', pull_requests: 'read', deployments: 'write', statuses: 'write' },
        APP_PERMISSIONS,
      ),
    ).toEqual([]);
  });

  it('names a permission that is absent, and one held only for reading where writing is needed', () => {
    expect(
      missingPermissions(
        { contents: 'read', metadata: 'read', pull_requests: 'read', deployments: 'read' },
        APP_PERMISSIONS,
      ),
    ).toEqual(['deployments: write', 'statuses: write']);
  });

  it('does not take an unknown level for a grant', () => {
    expect(missingPermissions({ statuses: 'everything' }, { statuses: 'read' })).toEqual(['statuses: read']);
  });
});

import type { PermissionInfo } from '../../../../shared/extensions/Permission'

/** What it declared it may do beyond computing, and whether the host process actually enforces each. */
export function ExtensionPermissions({ permissions }: { permissions: PermissionInfo[] }) {
  return (
    <div className="ext-row">
      <span className="ext-label">Permissions</span>
      {permissions.length === 0 ? (
        <span className="muted">None: it can only compute.</span>
      ) : (
        <ul className="ext-permissions">
          {permissions.map((p) => (
            <li key={p.declared} data-testid="extension-permission" data-enforced={p.enforced}>
              <code>{p.declared}</code>{' '}
              {'path' in p.permission && p.permission.path !== p.declared.slice(p.declared.indexOf(':') + 1) && (
                <span className="muted small" data-testid="extension-permission-path">
                  → {p.permission.path}{' '}
                </span>
              )}
              <span className={`ext-enforced ${p.enforced ? 'is-enforced' : 'not-enforced'}`} title={p.note}>
                {p.enforced ? 'enforced' : 'not enforced'}
              </span>
              {!p.enforced && p.note && <span className="muted small"> — {p.note}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

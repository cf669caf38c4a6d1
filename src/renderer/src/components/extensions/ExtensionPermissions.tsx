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

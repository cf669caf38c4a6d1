import type { Permission } from '../../../../shared/extensions/Permission'

/** A permission in words, with its folder. */
export function describePermission(permission: Permission): string {
  switch (permission.kind) {
    case 'fs.read':
      return `Read files in ${permission.path}`
    case 'fs.write':
      return `Write files in ${permission.path}`
    case 'net':
      return 'Use the network'
    case 'exec':
      return 'Start programs'
  }
}

import { safeStorage } from 'electron'
import { join } from 'node:path'
import { FileSecretStore, type SecretStore } from '../core/settings/SecretStore'

/**
 * The desktop app's keys for servers used as the engine, sealed with the system's keychain through Electron's
 * `safeStorage` (Keychain on macOS, DPAPI on Windows, libsecret or kwallet on Linux) in `engine-keys.json` beside
 * the settings. Where the system offers no encryption, the keys are kept as headless mode keeps them (a 0600 file),
 * and the console says so.
 */
export async function openSafeStorageSecrets(settingsFile: string): Promise<SecretStore> {
  const folder = join(settingsFile, '..')
  if (!safeStorage.isEncryptionAvailable()) {
    console.warn('Arbor: this system offers no keychain to Electron; server keys are kept in a file only you can read.')
    return FileSecretStore.open(join(folder, 'secrets.json'))
  }
  return FileSecretStore.open(join(folder, 'engine-keys.json'), {
    name: `electron-safeStorage-${process.platform}`,
    seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  })
}

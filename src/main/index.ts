import { app, BrowserWindow, ipcMain, shell } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { IPC_EVENT, IPC_REQUEST } from '../shared/ipcChannels'
import { fail } from '../shared/errors'
import { ArborCore } from './core/ArborCore'
import { defaultExtensionFolders, defaultModelsFolder, defaultSettingsFile } from './core/arborHome'
import { esbuildBinaryPath } from './core/packagedPaths'
import { createUtilityHostLauncher } from './electron/createUtilityHostLauncher'
import { hardenContents } from './electron/hardenContents'
import { openSafeStorageSecrets } from './electron/safeStorageSecrets'

const rendererFile = join(import.meta.dirname, '../renderer/index.html')
const rendererFileUrl = pathToFileURL(rendererFile).href

let core: ArborCore | null = null
let window: BrowserWindow | null = null

/** Only our own page may call the core: the renderer URL or the built file. */
function isTrustedSender(url: string | undefined): boolean {
  if (!url) return false
  const devUrl = process.env.ELECTRON_RENDERER_URL
  if (devUrl && url.startsWith(devUrl)) return true
  return url.split('#')[0] === rendererFileUrl
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Arbor',
    backgroundColor: '#15171c',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  // Navigation and new windows are refused for every web contents (hardenContents): a dropped file reaches the page.
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(rendererFile)
  return win
}

// Extensions are compiled with esbuild, which runs its own binary: in a packed app, the unpacked one.
const esbuildBinary = app.isPackaged && !process.env.ESBUILD_BINARY_PATH ? esbuildBinaryPath(import.meta.url) : null
if (esbuildBinary) process.env.ESBUILD_BINARY_PATH = esbuildBinary

app.enableSandbox()

// One Arbor at a time: two would write the same sessions and choices. A second launch shows the first window.
const primary = app.requestSingleInstanceLock()
if (!primary) app.quit()
app.on('second-instance', () => {
  if (!window || window.isDestroyed()) return
  if (window.isMinimized()) window.restore()
  window.focus()
})

if (primary) void app.whenReady().then(async () => {
  hardenContents(process.env.ELECTRON_RENDERER_URL)

  core = await ArborCore.create({
    modelsFolder: defaultModelsFolder(),
    settingsFile: defaultSettingsFile(),
    secrets: await openSafeStorageSecrets(defaultSettingsFile()),
    transport: 'electron',
    version: app.getVersion(),
    revealFile: (path) => shell.showItemInFolder(path),
    // Hosts are Node child processes (Electron's binary as Node), where Node's permission model holds. Electron's
    // utilityProcess ignores those flags (electron/electron#49252), so it is opt-in: ARBOR_EXTENSION_HOST=utility.
    extensions: {
      ...defaultExtensionFolders(app.getAppPath()),
      ...(process.env.ARBOR_EXTENSION_HOST === 'utility' ? { launcher: createUtilityHostLauncher() } : {}),
    },
  })
  ipcMain.handle(IPC_REQUEST, async (event, name: unknown, arg: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) return fail('UNAUTHORIZED', 'This page may not call Arbor.')
    if (!core) return fail('DISCONNECTED', 'Arbor is shutting down.')
    return core.handle(name, arg)
  })
  core.on((event) => {
    if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT, event)
  })
  window = createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

// Quitting waits for the core: the answer being written is stored as stopped, extension hosts end, the model is
// freed. Only then does the app exit (a second quit while that runs exits at once).
let quitting = false
app.on('will-quit', (event) => {
  if (!core || quitting) return
  event.preventDefault()
  quitting = true
  const closing = core
  core = null
  void closing
    .dispose()
    .catch((error: unknown) => console.error('Arbor: shutting down failed:', error))
    .finally(() => app.exit(0))
})

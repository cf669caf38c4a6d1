let installed = false

/**
 * Guards of a process that holds a core, installed once: SIGUSR1 is ignored (without a listener Node opens its
 * inspector on 127.0.0.1:9229, and an extension host that may send signals could then run code in the core as the
 * user), and a promise rejected with nobody listening is logged instead of ending the process with every client.
 */
export function guardProcess(): void {
  if (installed) return
  installed = true
  process.on('SIGUSR1', () => {
    console.warn('Arbor: ignored SIGUSR1 (it would open the Node inspector).')
  })
  process.on('unhandledRejection', (reason) => {
    console.error('Arbor: a promise failed with nobody waiting for it:', reason)
  })
}

import type { CoreParts, HandlersFor } from './CoreParts'

/** Models from the Hugging Face Hub: search, a repository's files, downloads into the models folder. */
export function hubRequests(parts: CoreParts): HandlersFor<'hub.'> {
  const { hub, downloads } = parts
  return {
    'hub.search': ({ query, sort }) => hub.search(query, sort),
    'hub.files': async ({ repo }) => {
      const client = hub.client()
      return (await hub.files(repo)).map((f) => ({ ...f, url: client.fileUrl(repo, f.path) }))
    },
    'hub.download': ({ ref }) => downloads.start(ref),
    'hub.stopDownload': ({ id, pause }) => downloads.stop(id, pause),
    'hub.downloads': () => downloads.list(),
  }
}

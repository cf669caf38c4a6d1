import { headlessRoutes, TOKEN_QUERY } from '../../../shared/bridge'
import { fail, type Result } from '../../../shared/errors'
import type { UploadKind } from './ArborClient'

const isResult = (value: unknown): value is Result<{ path: string }> => {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false
  if (value.ok === true) return 'value' in value && typeof value.value === 'object' && value.value !== null && 'path' in value.value
  return value.ok === false && 'error' in value
}

/**
 * POSTs the raw file to the headless server, reporting progress; answers the server's `Result`.
 * A session (`kind=session`) is stored in the sessions folder, an extension (`kind=extension`) in a staging
 * folder, a model in the models folder.
 */
export function uploadFile(
  file: File,
  token: string,
  onProgress: (sent: number, total: number) => void,
  kind: UploadKind = 'model',
): Promise<Result<{ path: string }>> {
  return new Promise((resolve) => {
    const query = new URLSearchParams({ name: file.name, [TOKEN_QUERY]: token, ...(kind === 'model' ? {} : { kind }) })
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `${headlessRoutes.upload}?${query.toString()}`)
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onload = () => {
      let body: unknown
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = null
      }
      if (isResult(body)) resolve(body)
      else resolve(fail('UPLOAD_FAILED', `The upload of "${file.name}" failed (HTTP ${xhr.status} ${xhr.statusText}).`))
    }
    xhr.onerror = () => resolve(fail('UPLOAD_FAILED', `The upload of "${file.name}" failed: the connection to Arbor was lost.`))
    xhr.onabort = () => resolve(fail('UPLOAD_FAILED', `The upload of "${file.name}" was aborted.`))
    xhr.send(file)
  })
}

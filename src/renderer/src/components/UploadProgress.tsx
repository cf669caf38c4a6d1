import { formatBytes } from '../../../shared/format'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { ProgressBar } from './ProgressBar'

const selectUpload = (s: AppState) => s.upload

/** Progress of a file upload to the headless server. */
export function UploadProgress() {
  const upload = useArbor(selectUpload)
  if (!upload) return null
  const { fileName, sentBytes, totalBytes } = upload
  return (
    <ProgressBar
      testId="upload-progress"
      value={totalBytes > 0 ? sentBytes / totalBytes : 0}
      label={`Uploading ${fileName}: ${formatBytes(sentBytes)} of ${formatBytes(totalBytes)}`}
    />
  )
}

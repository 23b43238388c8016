/** Getting the data: checksum manifests, `dataset pull` and `dataset info`. */
export { loadManifest, manifestSources, isPinnedRef, fileUrl, type Manifest, type ManifestFile } from './manifest.js';
export {
  pullDataset,
  pullSource,
  sourcesToPull,
  type PullDatasetOptions,
  type PullSourceOptions,
  type PullResult,
  type PullEvent,
  type FileFailure,
} from './pull.js';
export { datasetInfo, formatInfo, checkFiles, countQuestions, type DatasetInfo, type FileCheck, type Counts } from './info.js';
export { readInstalled, INSTALLED_FILE, type Installed } from './installed.js';
export { DownloadError, downloadFile } from './download.js';

/** Getting the data: checksum manifests, `dataset pull` and `dataset info`. */
export {
  loadManifest,
  manifestSources,
  isPinnedRef,
  fileUrl,
  partOf,
  selectFiles,
  OPTIONAL_PARTS,
  type Manifest,
  type ManifestFile,
  type Part,
  type OptionalPart,
  type PartChoice,
} from './manifest.js';
export {
  pullDataset,
  pullSource,
  sourcesToPull,
  DEFAULT_PARTS,
  type PullDatasetOptions,
  type PullSourceOptions,
  type PullResult,
  type PullEvent,
  type FileFailure,
} from './pull.js';
export { datasetInfo, formatInfo, checkFiles, countQuestions, type DatasetInfo, type FileCheck, type PartCheck, type Counts } from './info.js';
export { readInstalled, INSTALLED_FILE, type Installed } from './installed.js';
export { DownloadError, downloadFile, noConnectionReason } from './download.js';

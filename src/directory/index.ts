export { DirectoryService, hasRole, remindersPaused, type DirectoryServiceOptions } from './service.js';
export { parseDirectoryFile, readDirectoryFile, DirectoryFileError, type DirectoryFile, type FileProblem } from './file.js';
export { importDirectory, importDirectoryFile, type ImportReport } from './import.js';
export { exportPersonData, deletePersonData, type PersonDataExport, type PersonDeleteReport } from './personal-data.js';
export type * from './types.js';

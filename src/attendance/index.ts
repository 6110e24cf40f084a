export { AttendanceService, type AttendanceServiceOptions, type StatusRow, type ExportQuery } from './service.js';
export { parseQuickForm, QUICK_FORM_HELP, type QuickForm } from './quick-form.js';
export { figureProblems, checkWeek, cleanNote, MAX_FIGURE, MAX_NOTE_LENGTH, MAX_WEEKS_BACK } from './schema.js';
export { returnsToCsv, csvCell } from './csv.js';
export { diffReturns } from './changes.js';
export * from './types.js';

import type { StandardTab } from '../standard-panels.js';

/** The History tab of a standard's pages (/std/:id/history), registered in standard-panels.ts. */
export const historyTab: StandardTab = { label: 'audit.tab.history', path: 'history' };

import type { StandardRecord } from '../catalogue/model.js';

/**
 * A minimal valid catalogue record for tests: a current SAC standard with every list empty and a test source,
 * then `over` on top. `number`, when given, becomes the primary GB identifier (pass `identifiers` instead for
 * other bodies).
 */
export function testRecord(over: Partial<StandardRecord> & { id: string; number?: string }): StandardRecord {
  const { number, ...rest } = over;
  return {
    identifiers: number === undefined ? [] : [{ type: 'GB', value: number, primary: true }],
    body: 'SAC',
    docType: 'standard',
    titles: [],
    dates: [],
    status: 'current',
    classifications: [],
    contributors: [],
    abstracts: [],
    relations: [],
    links: [],
    keywords: [],
    source: { importer: 'test', ref: over.id },
    ...rest,
  };
}

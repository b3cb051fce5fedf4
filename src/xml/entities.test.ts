import { describe, expect, it } from 'vitest';
import { sharedData } from '../testing/shared-data.js';
import { STS_ENTITIES } from './entities.js';
import { readEntityTable } from './entities-gen.js';

const DTD = 'sts/schema/schema/nisosts/NISO-STS-interchange-1-2-MathML3-DTD';

describe('STS_ENTITIES', () => {
  it('holds the usual names with their Unicode values', () => {
    expect(STS_ENTITIES.mdash).toBe('\u2014');
    expect(STS_ENTITIES.nbsp).toBe('\u00a0');
    expect(STS_ENTITIES.le).toBe('\u2264');
    expect(STS_ENTITIES.alpha).toBe('\u03b1');
    expect(STS_ENTITIES.Eacute).toBe('\u00c9');
    expect(STS_ENTITIES.amp).toBe('&');
    expect(STS_ENTITIES.Afr).toBe('\u{1D504}'); // astral-plane math alphabets (via %plane1D;)
    expect(Object.hasOwn(STS_ENTITIES, 'constructor')).toBe(false);
  });
});

describe.skipIf(!sharedData(DTD))('STS_ENTITIES against the DTD', () => {
  it('equals a fresh generation from the NISO STS 1.2 entity files (regenerate with entities-gen when it fails)', () => {
    expect(readEntityTable(sharedData(DTD)!)).toEqual({ ...STS_ENTITIES });
  });
});

import { describe, expect, it } from 'vitest';
import { highlight } from './highlight.js';
import { porterStem } from './porter.js';
import { parseNumberQuery, planTextQuery } from './query.js';
import { segment, userDictionary } from './segment.js';

describe('segment', () => {
  it('keeps domain words whole in query mode', () => {
    expect(segment('换电站', 'query')).toEqual(['换电站']);
    expect(segment('碳足迹', 'query')).toEqual(['碳足迹']);
    expect(segment('电动汽车换电站通用要求', 'query')).toEqual(['电动汽车', '换电站', '通用', '要求']);
    expect(segment('经营主体信用承诺实施指南', 'query')).toEqual(['经营主体', '信用承诺', '实施', '指南']);
  });

  it('makes every user-dictionary entry a single query token', () => {
    const words = userDictionary().map((l) => l.split(/\s+/)[0]);
    expect(words.length).toBeGreaterThan(50);
    const split = words.filter((w) => segment(w, 'query').join('|') !== w);
    expect(split).toEqual([]);
  });

  it('indexes sub-words of compounds too (search-engine mode)', () => {
    const tokens = segment('电动汽车换电站通用要求', 'index');
    for (const t of ['电动', '汽车', '电动汽车', '电站', '换电站']) expect(tokens).toContain(t);
    // Every query token of a text is an index token of the same text.
    for (const t of segment('产品碳足迹量化要求', 'query')) expect(segment('产品碳足迹量化要求', 'index')).toContain(t);
  });

  it('normalises full-width text and case, splits Latin like unicode61', () => {
    expect(segment('ＧＢ／Ｔ　２９７７２', 'query')).toEqual(['gb', 't', '29772']);
    expect(segment('ISO 9001:2015 Quality-Management', 'query')).toEqual(['iso', '9001', '2015', 'quality', 'management']);
  });

  it('drops lone surrogates, NUL and emoji without throwing', () => {
    expect(segment('\uD800门\u0000\uDFFF🔥 door', 'query')).toEqual(['门', 'door']);
  });
});

describe('planTextQuery', () => {
  it('quotes every token, ANDs by default and offers an OR fallback', () => {
    const p = planTextQuery('fire doors');
    expect(p.terms).toEqual(['fire', 'doors']);
    expect(p.all).toBe('"fire" "doors"');
    expect(p.any).toBe('"fire" OR "doors"');
  });

  it('turns FTS5 syntax into plain words', () => {
    const p = planTextQuery('NOT( NEAR(x y) "z* -w ^v col:u');
    expect(p.all).toBe('"not" "near" "x" "y" "z" "w" "v" "col" "u"');
  });

  it('skips stop words unless they are all there is', () => {
    expect(planTextQuery('requirements for doors').terms).toEqual(['requirements', 'doors']);
    expect(planTextQuery('the').terms).toEqual(['the']);
    expect(planTextQuery('产品和服务').terms).toEqual(['产品', '服务']);
  });

  it('caps the number of terms and the length of the text', () => {
    const many = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    expect(planTextQuery(many).terms.length).toBeLessThanOrEqual(32);
    expect(planTextQuery('x'.repeat(10_000)).terms[0].length).toBeLessThanOrEqual(64);
  });

  it('has nothing to search for punctuation-only input', () => {
    expect(planTextQuery('"()*-:^').all).toBeNull();
    expect(planTextQuery('🔥🔥').all).toBeNull();
  });
});

describe('parseNumberQuery', () => {
  it('reads bare numbers with an optional year', () => {
    expect(parseNumberQuery('29772')).toEqual({ number: '29772', year: null });
    expect(parseNumberQuery('9001:2015')).toEqual({ number: '9001', year: 2015 });
    expect(parseNumberQuery('29772-2024')).toEqual({ number: '29772', year: 2024 });
    expect(parseNumberQuery('60335-1')).toEqual({ number: '60335-1', year: null });
    expect(parseNumberQuery('２９７７２')).toEqual({ number: '29772', year: null });
    expect(parseNumberQuery('gb 29772')).toBeNull();
  });
});

describe('porterStem', () => {
  it('stems like the Porter algorithm', () => {
    expect(porterStem('doors')).toBe('door');
    expect(porterStem('requirements')).toBe('requir');
    expect(porterStem('management')).toBe('manag');
    expect(porterStem('relational')).toBe('relat');
    expect(porterStem('hopping')).toBe('hop');
    expect(porterStem('gases')).toBe('gase');
  });
});

describe('highlight', () => {
  it('marks Chinese terms in the original text', () => {
    expect(highlight('电动汽车换电站通用要求', ['换电站'])).toEqual([
      { text: '电动汽车', hit: false },
      { text: '换电站', hit: true },
      { text: '通用要求', hit: false },
    ]);
  });

  it('marks stemmed English words and keeps the original case and width', () => {
    expect(highlight('Fire resistance tests — Door and shutter assemblies', ['doors'])).toEqual([
      { text: 'Fire resistance tests — ', hit: false },
      { text: 'Door', hit: true },
      { text: ' and shutter assemblies', hit: false },
    ]);
    expect(highlight('ＨＴＴＰ Semantics', ['http'])).toEqual([
      { text: 'ＨＴＴＰ', hit: true },
      { text: ' Semantics', hit: false },
    ]);
  });

  it('returns the text unmarked when nothing matches', () => {
    expect(highlight('防火门', ['door'])).toEqual([{ text: '防火门', hit: false }]);
  });
});

import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../kernel/errors.js';
import { cookieValue, fromAcceptLanguage, messageKeys, t, UI_LANGS } from './index.js';

describe('i18n messages', () => {
  it('every key exists in both languages, non-empty, with the same placeholders', () => {
    const en = messageKeys('en').sort();
    const zh = messageKeys('zh-CN').sort();
    expect(zh).toEqual(en);
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of en) {
      for (const lang of UI_LANGS) expect(t(lang, key as never).trim(), `${lang} ${key}`).not.toBe('');
      expect(placeholders(t('zh-CN', key as never)), key).toEqual(placeholders(t('en', key as never)));
    }
  });

  it('has an error message for every catalogue code', () => {
    for (const code of Object.keys(ERROR_CATALOGUE)) expect(messageKeys('en')).toContain(`error.${code}`);
  });

  it('uses the glossary terms in zh-CN', () => {
    expect(t('zh-CN', 'std.number')).toBe('标准号');
    expect(t('zh-CN', 'std.titleZh')).toBe('中文标准名称');
    expect(t('zh-CN', 'std.titleEn')).toBe('英文标准名称');
  });

  it('fills placeholders and leaves unknown ones alone', () => {
    expect(t('en', 'search.page', { page: 2, pages: 7 })).toBe('Page 2 of 7');
    expect(t('zh-CN', 'search.page', { page: 2 })).toBe('第 2 页，共 {pages} 页');
  });
});

describe('language negotiation helpers', () => {
  it('picks the best supported Accept-Language tag by q', () => {
    expect(fromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(fromAcceptLanguage('fr-FR, en-GB;q=0.7, zh;q=0.5')).toBe('en');
    expect(fromAcceptLanguage('en;q=0.2, zh-TW;q=0.9')).toBe('zh-CN');
    expect(fromAcceptLanguage('zh;q=0, en')).toBe('en');
    expect(fromAcceptLanguage('de, fr')).toBeNull();
    expect(fromAcceptLanguage(undefined)).toBeNull();
    expect(fromAcceptLanguage(';;;,,q=abc')).toBeNull();
  });

  it('reads a cookie from a Cookie header', () => {
    expect(cookieValue('a=1; lang=en; b=2', 'lang')).toBe('en');
    expect(cookieValue('lang=zh-CN', 'lang')).toBe('zh-CN');
    expect(cookieValue('xlang=en', 'lang')).toBeUndefined();
    expect(cookieValue('lang=%E0%A4%A', 'lang')).toBe('%E0%A4%A');
  });
});

// Text in one file per language (text/<language>.js); English is complete and the fallback for any
// key another language lacks.
import en from './text/en.js';

const catalogs = { en };
const language = (navigator.languages || [navigator.language || 'en'])
  .map((tag) => tag.toLowerCase().split('-')[0]).find((tag) => catalogs[tag]) || 'en';

export const lang = language;

/** The text for `key`, with {name} placeholders filled from `values`. */
export function t(key, values = {}) {
  const text = catalogs[language][key] ?? en[key];
  if (text === undefined) return key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (values[name] === undefined ? whole : String(values[name])));
}

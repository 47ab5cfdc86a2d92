// Text lives in one JSON file per language (the app passes its dictionaries); English is complete
// and is the fallback for any key another language lacks. `{name}` in a text is replaced by vars.name.
export function translator(dictionaries, languages = navigator.languages || [navigator.language || 'en']) {
  const chosen = languages.map((l) => String(l).toLowerCase().split('-')[0]).find((l) => dictionaries[l]) || 'en';
  const primary = dictionaries[chosen];
  const fallback = dictionaries.en;
  const t = (key, vars = {}) => {
    const text = primary[key] ?? fallback[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined ? m : String(vars[name])));
  };
  t.has = (key) => key in primary || key in fallback;
  t.language = chosen;
  return t;
}

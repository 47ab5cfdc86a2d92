// One file per language; English is complete and the fallback for missing keys.
import en from './en.json';

export default { en };

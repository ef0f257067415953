/**
 * The `~` (CONTAINS) operator, approximating Jira's word search: the text
 * and the query are split into words (case-insensitive); every query word
 * must occur in the text. A trailing `*` matches a prefix (`check*`), a
 * query wrapped in inner quotes (`"\"saved card\""`) must occur as a
 * phrase, and light suffix stripping lets `cards` match `card` and
 * `crashes` match `crash`, approximating Jira's English stemming.
 */

/**
 * Whether `haystack` contains the JQL text query `query`.
 * @see https://support.atlassian.com/jira-software-cloud/docs/search-for-text-in-jira/
 */
export function textMatches(haystack: string, query: string): boolean {
  const words = tokenize(haystack);
  const trimmed = query.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return containsPhrase(words, tokenize(trimmed.slice(1, -1)));
  }
  const terms = trimmed.split(/\s+/).filter((term) => term.length > 0);
  if (terms.length === 0) return false;
  return terms.every((term) => {
    if (term.endsWith('*')) {
      const prefix = term.slice(0, -1).toLowerCase();
      return prefix.length > 0 && words.some((word) => word.startsWith(prefix));
    }
    const termWords = tokenize(term);
    return (
      termWords.length > 0 && termWords.every((term) => words.some((word) => sameWord(word, term)))
    );
  });
}

function tokenize(value: string): string[] {
  return value
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

function containsPhrase(words: string[], phrase: string[]): boolean {
  if (phrase.length === 0) return false;
  for (let start = 0; start + phrase.length <= words.length; start += 1) {
    if (phrase.every((word, offset) => sameWord(words[start + offset] ?? '', word))) return true;
  }
  return false;
}

const SUFFIXES = ['ing', 'es', 'ed', 's'];

// Two words match when any of their suffix-stripped forms agree, so both
// "cases"/"case" and "crashes"/"crash" match without a full stemmer.
function sameWord(a: string, b: string): boolean {
  const forms = new Set(variants(a));
  return variants(b).some((form) => forms.has(form));
}

function variants(word: string): string[] {
  const forms = [word];
  for (const suffix of SUFFIXES) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix))
      forms.push(word.slice(0, -suffix.length));
  }
  return forms;
}

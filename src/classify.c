/*
 * classify.c -- a theme suggested for an audience question from the
 * event's per-theme keywords.
 *
 * Data flow: classify_create() normalises every keyword of every theme
 * (classify_normalise), splits it into words, drops small words inside
 * phrases ("lack of funds", "demande d'assistance") and stems each word
 * for the keyword's language (plural, feminine and verb endings, the
 * Arabic article and a final hamza). The first word of each keyword goes
 * into a byte trie; its other words stay with the keyword, to be checked
 * against the words that follow in the question. Keywords that come out
 * the same within a theme are merged, remembering every language that
 * gave them. Each keyword then gets a weight: one that also fires inside
 * other real themes' one-word keywords and titles ("invest" in "investing
 * funds") tells less, and a phrase tells more. Themes whose keywords fire
 * in the event's own title are its topic (funding, for "Financing Victim
 * Assistance").
 *
 * classify_text() normalises the question into a buffer on the stack,
 * noting which sentences end in a question mark and where punctuation
 * stood, cuts it into words and walks each word down the trie: a keyword
 * stem matches a word that starts with it (financ meets financement and
 * financing); a short stem (csr, odd, age) must be the whole word, give
 * or take a plural or -ed, -ing ending (in Arabic, a feminine, pronoun or
 * past-tense ending). Arabic words are also tried without their leading
 * conjunction, preposition, article or (future) present-tense prefix
 * (والتمويل, للتمويل, نبدأ, سنبدأ). Where another theme's phrase spans a
 * word, or another theme's longer keyword matches it, the shorter keyword
 * does not count there; keywords of one theme on
 * neighbouring words name one thing and count once, unless "and", "or"
 * or punctuation keeps them apart. Each theme adds up the weights of its
 * keywords found -- less for another language's than the question's,
 * less for the event's topic, half for "other", whose greetings and
 * thanks open many real questions; where a question follows a preamble,
 * more for what the sentence asked says and less for greetings before it
 * -- and the best theme wins if it scored enough; else "other". The
 * confidence grows with the margin over the runner-up and with the best
 * score.
 *
 * With labelled examples (the event's theme_examples, or any given to
 * classify_create_learned()), classify_create() also learns a
 * multinomial naive Bayes model: each example is normalised and cut into
 * words as a question is, the small words dropped, each word stemmed for
 * the example's language as keywords are and cut to a few characters,
 * and counted once for its theme; the keywords count too, as words of
 * their theme. classify_text() then adds, to each theme's keyword score,
 * a weight times the model's log-posterior of the theme for the
 * question's words, and the best sum wins.
 *
 * Nothing is allocated per question; see docs/CLASSIFIER.md for the
 * measured accuracy and speed and the reasons behind each rule.
 */
#include "classify.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

/* Words kept of a keyword phrase; more are dropped. */
#define KEYWORD_WORDS_MAX 8

/* Themes scored; an event has at most 32. */
#define THEMES_MAX 64

/* Languages told apart; an event has at most 16. */
#define LANGS_MAX 32

/* Distinct keywords found in one question that are counted. */
#define HITS_MAX 256

/* Words of one question looked at. */
#define TOKENS_MAX (CLASSIFY_TEXT_MAX / 2)

/* Places keywords are found in one question that are looked at. */
#define OCCURRENCES_MAX 1024

/* Question words a phrase spans at most, small words included. */
#define PHRASE_SPAN_MAX (KEYWORD_WORDS_MAX * (STOPS_SKIPPED_MAX + 1))

/* Small words of the question passed over between two words of a phrase. */
#define STOPS_SKIPPED_MAX 3

/* Questions (sentences ending in a question mark) told apart in a text. */
#define ASKED_MAX 64

/* Punctuation marks between words noted in a text; more are not. */
#define BREAKS_MAX 512

/* Places an Arabic word may start after its clitics. */
#define STARTS_MAX 20

/* Words (and pairs of words) of one text the learned model looks at. */
#define FEATURES_MAX 1024

/* Stems of fewer characters must be whole words (plus an ending). */
#define PREFIX_MIN_LATIN 4
#define PREFIX_MIN_ARABIC 4

/* Characters a stem keeps at least when an ending is cut. */
#define STEM_MIN_LATIN 4
#define STEM_MIN_ARABIC 3

/* Score weights: see docs/CLASSIFIER.md. */
static const struct classify_tuning tuning_default = {
	.phrase_bonus = 0.5,  /* per word beyond the first */
	.repeat_bonus = 0.5,  /* once, for a keyword found again */
	.cross_lang = 0.25,   /* keyword of another language than the question's */
	.other_factor = 0.5,  /* greetings and thanks open many real questions */
	.topic_factor = 0.7,  /* the event's own topic is in every question */
	.min_score = 0.3,     /* a lone word of another language is not enough */
	.asked_bonus = 1.5,   /* found in the question asked, not its preamble */
	.learn_weight = 0.25, /* chosen by leave-one-set-out, docs/CLASSIFIER.md */
	.learn_alpha = 0.25,
	.learn_keywords = 3.0,
	.learn_prefix = 6,
	.learn_bigrams = 0,
	.learn_by_lang = 0,
};

#define NONE UINT32_MAX

/* One word of a keyword: a stem in the pool. */
struct stem {
	uint32_t off;
	uint16_t len;
	bool exact;     /* too short to be a prefix: whole word, or plus an ending */
	bool arabic;
};

/* A keyword of a theme, as matched. */
struct keyword {
	struct stem word[KEYWORD_WORDS_MAX];
	int nwords;
	int theme;
	uint32_t langs;       /* bit i: c->langs[i] gave this keyword */
	uint64_t fired_in;    /* bit t: fires inside theme t's own description */
	double weight;
	uint32_t next;        /* next keyword whose first word ends on the same node */
};

/* A node of the byte trie of first words and small words. */
struct node {
	uint32_t child;       /* first child, or NONE */
	uint32_t sibling;     /* next child of the same parent, or NONE */
	uint32_t keywords;    /* first keyword whose first word ends here, or NONE */
	unsigned char byte;
	bool stop;            /* a small word ends here */
};

/* A built classifier: the keyword trie and what scoring needs. */
struct classify {
	const struct model_event *ev;
	struct classify_tuning tune;
	int nthemes;
	int fallback;         /* theme given when unsure; -1 without themes */
	uint64_t topic;       /* bit t: theme t's keywords fire in the event's title */
	char langs[LANGS_MAX][MODEL_LANG_MAX + 1];
	int nlangs;
	struct node *nodes;   /* nodes[0] is the root */
	size_t nnodes, nodes_cap;
	uint32_t root[256];   /* the root's children by byte */
	struct keyword *kws;
	size_t nkws, kws_cap;
	char *pool;           /* stems, back to back */
	size_t pool_len, pool_cap;
	/* The model learned from examples; nfeats 0 without examples. */
	uint64_t *feat_key;   /* a word's hash, by feature */
	float *feat_logp;     /* [feature][theme]: log P(word | theme) */
	size_t nfeats, feats_cap;
	uint32_t *slot;       /* hash table of features: index + 1, 0 free */
	size_t nslots;        /* a power of two */
	bool learned;
};

/* A word of the question being classified. */
struct token {
	uint16_t off;
	uint16_t len;
	bool stop;
	bool conj;            /* and, or: what it joins are two things */
	bool apart;           /* punctuation between it and the word before */
	bool arabic;
	bool asked;           /* in a sentence that ends in a question mark */
};

/* A question cut into words. */
struct text {
	char norm[CLASSIFY_TEXT_MAX];
	struct token tok[TOKENS_MAX];
	size_t ntok;
	bool preamble;        /* some words are asked, some are not */
};

/* A keyword found in the question, how many times, and if asked. */
struct hit {
	uint32_t kw;
	uint32_t count;
	bool asked;
};

/* The keywords found in one question. */
struct hits {
	struct hit hit[HITS_MAX];
	size_t n;
};

/* Languages whose endings the stemmer knows. */
enum stem_lang {
	STEM_NONE,
	STEM_EN,
	STEM_FR,
	STEM_ES,
};

/*
 * Small words of the four languages of the sample, normalised: dropped
 * inside keyword phrases and passed over in questions, so "lack of funds"
 * meets "lack of the funds" and "demande d'assistance" meets "demande
 * d'une assistance", the elided d' having become a word of its own.
 */
static const char *const stopwords[] = {
	"a", "an", "the", "of", "to", "for", "in", "on", "and", "or", "with",
	"by", "at", "from", "into", "as", "about", "our", "their", "its",
	"s", "this", "these", "that", "those", "my", "your", "his", "her",
	"le", "la", "les", "l", "de", "des", "du", "d", "un", "une", "au",
	"aux", "en", "et", "ou", "pour", "sur", "dans", "par", "avec", "qu",
	"leur", "leurs", "notre", "nos", "votre", "vos", "ce", "cet", "cette",
	"ces", "son", "sa", "ses", "mon", "ma", "mes",
	"el", "los", "las", "lo", "del", "al", "unos", "unas", "y", "o",
	"para", "por", "con", "su", "sus", "una", "nuestro", "nuestra",
	"nuestros", "nuestras", "este", "esta", "estos", "estas", "mi", "mis",
	"في", "من", "علي", "الي", "عن", "مع", "او", "ان", "و", "هذا", "هذه",
	"التي", "الذي",
};

/* Small words that join two things of a list, normalised. */
static const char *const conjunctions[] = {
	"and", "or", "et", "ou", "y", "o", "و", "او",
};

/* Arabic prefixes (conjunction, preposition, article) a word may carry. */
static const char *const arabic_clitics[] = {
	"وبال", "فبال", "وكال", "وال", "فال", "بال", "كال", "ولل", "فلل",
	"لل", "ال", "وب", "فب", "ول", "فل", "وك", "و", "ف", "ب", "ل", "ك",
};

/*
 * Prefixes of the present tense (we, you, he start: نبدأ, تبدأ, يبدأ), with
 * the future's sa- (سنبدأ) and a conjunction or not; tried only on words
 * that keep three letters.
 */
static const char *const arabic_verb_prefixes[] = {
	"وسي", "وست", "وسن", "سي", "ست", "سن",
	"وي", "وت", "ون", "في", "فت", "فن", "ي", "ت", "ن",
};

/*
 * Endings an Arabic short stem may carry and still be the same word; the
 * alef is the accusative ending written after tanween (أولاً: first), and
 * ت, وا, تم end a verb in the past (صُرفت: was spent, طلبوا: they asked),
 * as the present's prefixes start one.
 */
static const char *const arabic_endings[] = {
	"ه", "ات", "ون", "ين", "ي", "يه", "يات", "يون", "يين", "ها", "هم",
	"نا", "ا", "ت", "وا", "تم",
};

/*
 * Endings a Latin short stem may carry: plural, and the past and -ing of
 * an English verb or adjective (ask: asked, pay: paying, age: aged).
 */
static const char *const latin_endings[] = {
	"s", "es", "ed", "d", "ing",
};

/* Arabic keyword articles cut before indexing; longest first. */
static const char *const arabic_articles[] = {
	"وال", "بال", "كال", "فال", "لل", "ال",
};

/* Arabic keyword endings cut before indexing (plurals, ta marbuta). */
static const char *const arabic_suffixes[] = {
	"ات", "ون", "ين", "ه",
};

/*
 * Lower-case base letters of U+00C0..U+017F; '*' marks letters written
 * with two (æ, œ, ß, þ, ĳ), handled in latin_fold().
 */
static const char latin_table[] =
	"aaaaaa*ceeeeiiii" /* U+00C0 */
	"dnooooo ouuuuy**" /* U+00D0 */
	"aaaaaa*ceeeeiiii" /* U+00E0 */
	"dnooooo ouuuuy*y" /* U+00F0 */
	"aaaaaaccccccccdd" /* U+0100 */
	"ddeeeeeeeeeegggg" /* U+0110 */
	"gggghhhhiiiiiiii" /* U+0120 */
	"ii**jjkkklllllll" /* U+0130 */
	"lllnnnnnnnnnoooo" /* U+0140 */
	"oo**rrrrrrssssss" /* U+0150 */
	"ssttttttuuuuuuuu" /* U+0160 */
	"uuuuwwyyyzzzzzzs"; /* U+0170 */

/* Abort with a message: podium cannot go on without memory. */
static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL) {
		fprintf(stderr, "podium: out of memory (%zu bytes)\n", n);
		abort();
	}
	return q;
}

/* The C.UTF-8 character type, made once; (locale_t)0 when unavailable. */
static locale_t
utf8_locale(void)
{
	static bool tried;
	static locale_t loc;

	if (!tried) {
		tried = true;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return loc;
}

/* The two letters of æ, œ, ß, þ and ĳ, or NULL for any other character. */
static const char *
latin_fold(wchar_t wc)
{
	switch (wc) {
	case 0xC6: case 0xE6: return "ae";
	case 0x152: case 0x153: return "oe";
	case 0xDF: return "ss";
	case 0xDE: case 0xFE: return "th";
	case 0x132: case 0x133: return "ij";
	default: return NULL;
	}
}

/* The base letter of an accented Latin letter, or 0 if it has none. */
static char
latin_base(wchar_t wc)
{
	if (wc < 0xC0 || wc >= 0x180)
		return 0;
	return latin_table[wc - 0xC0];
}

/* Arabic letter variants and digits folded to the form keywords use. */
static wchar_t
arabic_fold(wchar_t wc)
{
	switch (wc) {
	case 0x0622: case 0x0623: case 0x0625: case 0x0671:
		return 0x0627;          /* alef with madda, hamza, wasla */
	case 0x0629:
		return 0x0647;          /* ta marbuta → ha */
	case 0x0649: case 0x0626: case 0x06CC:
		return 0x064A;          /* alef maqsura, hamza on ya, Farsi ya */
	case 0x0624:
		return 0x0648;          /* hamza on waw */
	case 0x06A9:
		return 0x0643;          /* keheh, as Persian keyboards type kaf */
	default:
		break;
	}
	if (wc >= 0x0660 && wc <= 0x0669)
		return L'0' + (wc - 0x0660);
	if (wc >= 0x06F0 && wc <= 0x06F9)
		return L'0' + (wc - 0x06F0);
	return wc;
}

/* Output being written by classify_normalise(). */
struct out {
	char *p;
	size_t len;
	size_t cap;        /* bytes usable, the NUL excluded */
	bool space;        /* a space is due before the next letter */
	bool full;
	struct asked *asked;  /* where the questions are, or NULL */
	size_t sentence;   /* output offset the current sentence starts at */
};

/*
 * The sentences of a normalised text that end in a question mark, as
 * output offsets [from, to). A question often comes after a preamble
 * ("Our survivors' network has members in every province. How can it
 * find donors for the years ahead?"): the sentence asked says what it is
 * about.
 */
struct asked {
	uint16_t from[ASKED_MAX];
	uint16_t to[ASKED_MAX];
	size_t n;
	/*
	 * Output offsets where a mark between words was (a comma, a
	 * parenthesis, a slash, the end of a sentence): "banks, insurers"
	 * are two things, "private-sector partners" one.
	 */
	uint16_t brk[BREAKS_MAX];
	size_t nbrk;
};

/* Append bytes of one character, or mark the output full. */
static void
out_put(struct out *o, const char *s, size_t n)
{
	if (o->full)
		return;
	if (o->space && o->len > 0) {
		if (o->len + 1 + n > o->cap) {
			o->full = true;
			return;
		}
		o->p[o->len++] = ' ';
	}
	o->space = false;
	if (o->len + n > o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

/*
 * Whether a mark between two words keeps them apart: punctuation does,
 * except what joins a compound or marks an elision (hyphens, apostrophes)
 * and quotation marks around a term.
 */
static bool
separates(wchar_t wc)
{
	switch (wc) {
	case L' ': case L'\t': case L'-': case L'\'': case L'"':
	case 0x00AB: case 0x00BB:                       /* « » */
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: /* hyphens, – */
	case 0x2018: case 0x2019: case 0x201C: case 0x201D: case 0x02BC:
		return false;
	default:
		return true;
	}
}

/*
 * Note the end of a sentence at a punctuation mark: a question mark
 * closes a question, which is remembered; any other mark of the end of a
 * sentence (or a clause: "...without us: how are survivors...") or an
 * opening Spanish mark starts a new one.
 */
static void
out_sentence(struct out *o, wchar_t wc)
{
	struct asked *a = o->asked;
	bool question = wc == L'?' || wc == 0x061F;

	if (a == NULL)
		return;
	if (separates(wc) && a->nbrk < BREAKS_MAX &&
	    (a->nbrk == 0 || a->brk[a->nbrk - 1] != o->len))
		a->brk[a->nbrk++] = (uint16_t)o->len;
	if (!question && wc != L'.' && wc != L'!' && wc != L';' &&
	    wc != L':' && wc != L'\n' && wc != 0x00BF && wc != 0x00A1 &&
	    wc != 0x06D4)
		return;
	if (question && o->len > o->sentence) {
		if (a->n > 0 && a->to[a->n - 1] == o->sentence) {
			a->to[a->n - 1] = (uint16_t)o->len;   /* one more */
		} else if (a->n < ASKED_MAX) {
			a->from[a->n] = (uint16_t)o->sentence;
			a->to[a->n] = (uint16_t)o->len;
			a->n++;
		} else {
			a->to[a->n - 1] = (uint16_t)o->len;   /* merged */
		}
	}
	o->sentence = o->len;
}

/* Append one decoded non-ASCII character, normalised. */
static void
out_wide(struct out *o, wchar_t wc)
{
	char buf[MB_LEN_MAX];
	mbstate_t st;
	const char *two;
	size_t n;
	char c;

	if (wc == 0x0640)
		return;                 /* tatweel only stretches a word */
	wc = arabic_fold(wc);
	if (wc < 0x80) {
		c = (char)wc;
		out_put(o, &c, 1);
		return;
	}
	/* Harakat, combining accents, joiners: part of the word, not letters. */
	if (wcwidth(wc) == 0)
		return;
	if (!iswalnum((wint_t)wc)) {
		o->space = true;
		out_sentence(o, wc);
		return;
	}
	wc = (wchar_t)towlower((wint_t)wc);
	if (wc < 0x80) {
		c = (char)wc;
		out_put(o, &c, 1);
		return;
	}
	two = latin_fold(wc);
	if (two != NULL) {
		out_put(o, two, strlen(two));
		return;
	}
	c = latin_base(wc);
	if (c != 0) {
		out_put(o, &c, 1);
		return;
	}
	memset(&st, 0, sizeof st);
	n = wcrtomb(buf, wc, &st);
	if (n == (size_t)-1)
		o->space = true;
	else
		out_put(o, buf, n);
}

/*
 * Normalise text for matching (see classify.h for the rules) and, if asked
 * is not NULL, note where its questions are.
 */
static size_t
normalise(const char *in, char *out, size_t outsz, struct asked *asked)
{
	struct out o = { out, 0, outsz == 0 ? 0 : outsz - 1, false, false,
	    asked, 0 };
	locale_t old = (locale_t)0, loc;
	const unsigned char *p = (const unsigned char *)(in == NULL ? "" : in);
	mbstate_t st;
	wchar_t wc;
	size_t n;
	char c;

	if (outsz == 0)
		return 0;
	loc = utf8_locale();
	if (loc != (locale_t)0)
		old = uselocale(loc);
	memset(&st, 0, sizeof st);
	while (*p != '\0' && !o.full) {
		if (*p < 0x80) {
			/* ASCII, most of every question, without the decoder. */
			c = (char)*p++;
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
				out_put(&o, &c, 1);
			} else {
				o.space = true;
				out_sentence(&o, (wchar_t)c);
			}
			continue;
		}
		n = mbrtowc(&wc, (const char *)p,
		    strnlen((const char *)p, MB_LEN_MAX), &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* A bad byte separates words; decoding resumes after it. */
			memset(&st, 0, sizeof st);
			o.space = true;
			p++;
			continue;
		}
		p += n;
		out_wide(&o, wc);
	}
	if (old != (locale_t)0)
		uselocale(old);
	out[o.len] = '\0';
	return o.len;
}

/* Normalise text for matching; see classify.h for the rules. */
size_t
classify_normalise(const char *in, char *out, size_t outsz)
{
	return normalise(in, out, outsz, NULL);
}

/* Whether a byte continues a UTF-8 character. */
static bool
utf8_cont(unsigned char b)
{
	return (b & 0xC0) == 0x80;
}

/* Characters in n bytes of UTF-8. */
static size_t
utf8_chars(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (!utf8_cont((unsigned char)s[i]))
			k++;
	return k;
}

/* Whether a normalised word is written in Arabic letters. */
static bool
word_arabic(const char *w, size_t n)
{
	return n >= 2 && (unsigned char)w[0] >= 0xD8 &&
	    (unsigned char)w[0] <= 0xDB;
}

/* Whether n bytes at w end with the string s. */
static bool
ends_with(const char *w, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && memcmp(w + n - k, s, k) == 0;
}

/* Whether n bytes at w start with the string s. */
static bool
starts_with(const char *w, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && memcmp(w, s, k) == 0;
}

/* Whether w (n bytes) ends with suffix and keeps min characters without it. */
static bool
can_cut(const char *w, size_t n, const char *suffix, size_t min)
{
	size_t k = strlen(suffix);

	return ends_with(w, n, suffix) && utf8_chars(w, n - k) >= min;
}

/*
 * Length of a Latin keyword word without its inflection, so that the stem
 * meets every form of the word: "resources" meets "resource", "identify"
 * meets "identification", "handicapées" meets "handicapé", "empezar"
 * meets "empezamos". Plural and feminine endings go when at least
 * STEM_MIN_LATIN characters remain, verb endings (-er, -ir, -re, -ar) and
 * the Spanish gender vowel when one more remains, because shorter stems
 * start too many unrelated words.
 */
static size_t
stem_latin(const char *w, size_t n, enum stem_lang lang)
{
	static const char *const en[] = { "ies", "ing", "ed", "es", "s" };
	static const char *const fr_verb[] = { "er", "ir", "re" };
	static const char *const es_verb[] = { "ar", "er", "ir" };
	size_t i;
	int e;

	switch (lang) {
	case STEM_EN:
		for (i = 0; i < sizeof en / sizeof en[0]; i++) {
			if (!can_cut(w, n, en[i], STEM_MIN_LATIN))
				continue;
			/* Not "access", "focus", "basis": no plural there. */
			if (strlen(en[i]) == 1 && (ends_with(w, n, "ss") ||
			    ends_with(w, n, "us") || ends_with(w, n, "is")))
				continue;
			return n - strlen(en[i]);
		}
		if (can_cut(w, n, "y", STEM_MIN_LATIN) ||
		    can_cut(w, n, "e", STEM_MIN_LATIN))
			n--;
		return n;
	case STEM_FR:
		if ((ends_with(w, n, "s") || ends_with(w, n, "x")) &&
		    !ends_with(w, n, "ss") && can_cut(w, n, "s", STEM_MIN_LATIN))
			n--;
		for (i = 0; i < sizeof fr_verb / sizeof fr_verb[0]; i++)
			if (can_cut(w, n, fr_verb[i], STEM_MIN_LATIN + 1)) {
				n -= 2;
				break;
			}
		for (e = 0; e < 2; e++)
			if (can_cut(w, n, "e", STEM_MIN_LATIN))
				n--;
		return n;
	case STEM_ES:
		if (can_cut(w, n, "es", STEM_MIN_LATIN))
			n -= 2;
		else if (can_cut(w, n, "s", STEM_MIN_LATIN))
			n--;
		for (i = 0; i < sizeof es_verb / sizeof es_verb[0]; i++)
			if (can_cut(w, n, es_verb[i], STEM_MIN_LATIN + 1)) {
				n -= 2;
				break;
			}
		/* Gender: "empresa" meets "empresarial". */
		if (can_cut(w, n, "a", STEM_MIN_LATIN + 1) ||
		    can_cut(w, n, "o", STEM_MIN_LATIN + 1))
			n--;
		return n;
	case STEM_NONE:
		break;
	}
	return n;
}

/*
 * Cut an Arabic keyword word to its stem: the article in front (the text
 * side tries words without it), plural and feminine endings and a final
 * nisba ya behind. Sets *start to the first byte kept; returns the stem's
 * length in bytes.
 */
static size_t
stem_arabic(const char *w, size_t n, size_t *start)
{
	size_t i, k;

	*start = 0;
	for (i = 0; i < sizeof arabic_articles / sizeof arabic_articles[0];
	    i++) {
		k = strlen(arabic_articles[i]);
		if (starts_with(w, n, arabic_articles[i]) &&
		    utf8_chars(w + k, n - k) >= 2) {
			*start = k;
			break;
		}
	}
	w += *start;
	n -= *start;
	for (i = 0; i < sizeof arabic_suffixes / sizeof arabic_suffixes[0];
	    i++) {
		k = strlen(arabic_suffixes[i]);
		if (ends_with(w, n, arabic_suffixes[i]) &&
		    utf8_chars(w, n - k) >= STEM_MIN_ARABIC) {
			n -= k;
			break;
		}
	}
	/* The nisba ya only on long words: مبادئ is not مبادرة. */
	if (ends_with(w, n, "ي") && utf8_chars(w, n - 2) >= STEM_MIN_ARABIC + 2)
		n -= 2;
	/*
	 * A final hamza changes its seat before an ending (إقصاء, إقصاؤهن,
	 * إقصائهم): the stem stops before it, if it still starts words.
	 */
	else if (ends_with(w, n, "ء") &&
	    utf8_chars(w, n - 2) >= PREFIX_MIN_ARABIC)
		n -= 2;
	return n;
}

/* Which endings a language's keywords lose, from its code ("fr-CA": fr). */
static enum stem_lang
stem_lang_of(const char *code)
{
	size_t n = strcspn(code, "-_");

	if (n == 2 && strncasecmp(code, "en", 2) == 0)
		return STEM_EN;
	if (n == 2 && strncasecmp(code, "fr", 2) == 0)
		return STEM_FR;
	if (n == 2 && strncasecmp(code, "es", 2) == 0)
		return STEM_ES;
	return STEM_NONE;
}

/*
 * Whether what follows a short stem in a word is only an ending that
 * keeps the word's meaning (a plural, an English past or -ing, an Arabic
 * feminine, pronoun or accusative).
 */
static bool
ending_ok(const char *rest, size_t n, bool arabic)
{
	const char *const *list = arabic ? arabic_endings : latin_endings;
	size_t i, count = arabic ?
	    sizeof arabic_endings / sizeof arabic_endings[0] :
	    sizeof latin_endings / sizeof latin_endings[0];

	if (n == 0)
		return true;
	for (i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(rest, list[i], n) == 0)
			return true;
	return false;
}

/* Whether a word (n bytes at w) is matched by a stem. */
static bool
stem_fits(const struct classify *c, const struct stem *s, const char *w,
    size_t n)
{
	if (n < s->len || memcmp(w, c->pool + s->off, s->len) != 0)
		return false;
	return !s->exact || ending_ok(w + s->len, n - s->len, s->arabic);
}

/*
 * Add to starts[] (ns of them so far) the length of each prefix of the list
 * that w carries with at least min letters after it; returns the count.
 */
static size_t
starts_add(const char *w, size_t n, const char *const *prefix, size_t np,
    size_t min, size_t *starts, size_t ns)
{
	size_t i, j, k;

	for (i = 0; i < np; i++) {
		k = strlen(prefix[i]);
		if (!starts_with(w, n, prefix[i]) ||
		    utf8_chars(w + k, n - k) < min)
			continue;
		for (j = 0; j < ns && starts[j] != k; j++)
			;
		if (j == ns && ns < STARTS_MAX)
			starts[ns++] = k;
	}
	return ns;
}

/*
 * Where an Arabic word may start once its prefixes are taken off: 0, after
 * each clitic it carries that leaves at least two letters, and after a
 * present-tense prefix that leaves three. Returns how many starts there are.
 */
static size_t
arabic_starts(const char *w, size_t n, size_t *starts)
{
	size_t ns = 0;

	starts[ns++] = 0;
	ns = starts_add(w, n, arabic_clitics,
	    sizeof arabic_clitics / sizeof arabic_clitics[0], 2, starts, ns);
	return starts_add(w, n, arabic_verb_prefixes,
	    sizeof arabic_verb_prefixes / sizeof arabic_verb_prefixes[0], 3,
	    starts, ns);
}

/* The child of a trie node reached by one byte, or NONE. */
static uint32_t
node_child(const struct classify *c, uint32_t n, unsigned char b)
{
	uint32_t k;

	if (n == 0)
		return c->root[b];
	for (k = c->nodes[n].child; k != NONE; k = c->nodes[k].sibling)
		if (c->nodes[k].byte == b)
			return k;
	return NONE;
}

/* The trie node a word ends on, or NONE if the trie has no such path. */
static uint32_t
node_find(const struct classify *c, const char *w, size_t n)
{
	uint32_t k = 0;
	size_t i;

	for (i = 0; i < n && k != NONE; i++)
		k = node_child(c, k, (unsigned char)w[i]);
	return k;
}

/* The trie node a word ends on, made if missing. */
static uint32_t
node_insert(struct classify *c, const char *w, size_t n)
{
	uint32_t k = 0, next;
	struct node *nd;
	size_t i;

	for (i = 0; i < n; i++) {
		next = node_child(c, k, (unsigned char)w[i]);
		if (next == NONE) {
			if (c->nnodes == c->nodes_cap) {
				c->nodes_cap *= 2;
				c->nodes = xrealloc(c->nodes,
				    c->nodes_cap * sizeof *c->nodes);
			}
			next = (uint32_t)c->nnodes++;
			nd = &c->nodes[next];
			nd->child = NONE;
			nd->keywords = NONE;
			nd->byte = (unsigned char)w[i];
			nd->stop = false;
			if (k == 0) {
				nd->sibling = NONE;
				c->root[(unsigned char)w[i]] = next;
			} else {
				nd->sibling = c->nodes[k].child;
				c->nodes[k].child = next;
			}
		}
		k = next;
	}
	return k;
}

/* Copy a stem into the pool; returns its offset. */
static uint32_t
pool_add(struct classify *c, const char *s, size_t n)
{
	size_t off = c->pool_len;

	if (c->pool_len + n > c->pool_cap) {
		while (c->pool_len + n > c->pool_cap)
			c->pool_cap *= 2;
		c->pool = xrealloc(c->pool, c->pool_cap);
	}
	memcpy(c->pool + off, s, n);
	c->pool_len += n;
	return (uint32_t)off;
}

/* Whether a normalised word is one of the small words. */
static bool
is_stopword(const struct classify *c, const char *w, size_t n)
{
	uint32_t k = node_find(c, w, n);

	return k != NONE && k != 0 && c->nodes[k].stop;
}

/* Index of a language among the keywords', added if new; -1 if none fits. */
static int
lang_index(struct classify *c, const char *code)
{
	int i;

	for (i = 0; i < c->nlangs; i++)
		if (strcasecmp(c->langs[i], code) == 0)
			return i;
	if (c->nlangs == LANGS_MAX)
		return LANGS_MAX - 1;   /* the rest share the last bit */
	snprintf(c->langs[c->nlangs], sizeof c->langs[0], "%s", code);
	return c->nlangs++;
}

/*
 * Index of a question's language among the keywords' languages ("fr-CA"
 * finds fr), or -1 when it is not one of them.
 */
static int
lang_lookup(const struct classify *c, const char *lang)
{
	size_t n;
	int i;

	if (lang == NULL)
		return -1;
	for (i = 0; i < c->nlangs; i++)
		if (strcasecmp(c->langs[i], lang) == 0)
			return i;
	n = strcspn(lang, "-_");
	for (i = 0; i < c->nlangs; i++)
		if (strlen(c->langs[i]) == n &&
		    strncasecmp(c->langs[i], lang, n) == 0)
			return i;
	return -1;
}

/* A word of a keyword being built: where it is in the normalised text. */
struct piece {
	size_t off;
	size_t len;
};

/* Whether two keywords of the same first node say the same words. */
static bool
keyword_same(const struct classify *c, const struct keyword *k,
    const char *norm, const struct piece *pc, int npc)
{
	int i;

	if (k->nwords != npc)
		return false;
	for (i = 0; i < npc; i++)
		if (k->word[i].len != pc[i].len ||
		    memcmp(c->pool + k->word[i].off, norm + pc[i].off,
		    pc[i].len) != 0)
			return false;
	return true;
}

/* Index one keyword of a theme in one language. */
static void
keyword_add(struct classify *c, int theme, int lang, enum stem_lang sl,
    const char *text)
{
	char norm[512];
	struct piece all[KEYWORD_WORDS_MAX * 4], pc[KEYWORD_WORDS_MAX];
	struct keyword *k;
	size_t n, i, j, start, nall = 0;
	uint32_t node, kw;
	int npc = 0;

	n = classify_normalise(text, norm, sizeof norm);
	for (i = 0; i < n && nall < KEYWORD_WORDS_MAX * 4; i = j + 1) {
		for (j = i; j < n && norm[j] != ' '; j++)
			;
		all[nall].off = i;
		all[nall].len = j - i;
		nall++;
	}
	/*
	 * Small words inside a phrase are dropped, as the question's are
	 * passed over; at its ends they are part of its meaning ("asociación
	 * con", "le son").
	 */
	for (i = 0; i < nall && npc < KEYWORD_WORDS_MAX; i++)
		if (i == 0 || i + 1 == nall ||
		    !is_stopword(c, norm + all[i].off, all[i].len))
			pc[npc++] = all[i];
	if (npc == 0)
		return;
	for (i = 0; i < (size_t)npc; i++) {
		if (word_arabic(norm + pc[i].off, pc[i].len)) {
			pc[i].len = stem_arabic(norm + pc[i].off, pc[i].len,
			    &start);
			pc[i].off += start;
		} else {
			pc[i].len = stem_latin(norm + pc[i].off, pc[i].len, sl);
		}
	}
	node = node_insert(c, norm + pc[0].off, pc[0].len);
	for (kw = c->nodes[node].keywords; kw != NONE; kw = c->kws[kw].next) {
		if (c->kws[kw].theme == theme &&
		    keyword_same(c, &c->kws[kw], norm, pc, npc)) {
			c->kws[kw].langs |= 1u << lang;
			return;
		}
	}
	if (c->nkws == c->kws_cap) {
		c->kws_cap *= 2;
		c->kws = xrealloc(c->kws, c->kws_cap * sizeof *c->kws);
	}
	kw = (uint32_t)c->nkws++;
	k = &c->kws[kw];
	memset(k, 0, sizeof *k);
	k->theme = theme;
	k->langs = 1u << lang;
	k->nwords = npc;
	for (i = 0; i < (size_t)npc; i++) {
		k->word[i].off = pool_add(c, norm + pc[i].off, pc[i].len);
		k->word[i].len = (uint16_t)pc[i].len;
		k->word[i].arabic = word_arabic(norm + pc[i].off, pc[i].len);
		k->word[i].exact = utf8_chars(norm + pc[i].off, pc[i].len) <
		    (size_t)(k->word[i].arabic ? PREFIX_MIN_ARABIC :
		    PREFIX_MIN_LATIN);
	}
	k->next = c->nodes[node].keywords;
	c->nodes[node].keywords = kw;
}

/* Whether a normalised word is "and" or "or" in one of the languages. */
static bool
is_conjunction(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof conjunctions / sizeof conjunctions[0]; i++)
		if (strlen(conjunctions[i]) == n &&
		    memcmp(w, conjunctions[i], n) == 0)
			return true;
	return false;
}

/*
 * Normalise a question and cut it into words, noting which are in a
 * sentence that ends in a question mark.
 */
static void
text_prepare(const struct classify *c, struct text *t, const char *s)
{
	struct asked asked;
	size_t n, i, j, q = 0, b = 0, nasked = 0;
	struct token *tk;

	asked.n = 0;
	asked.nbrk = 0;
	n = normalise(s, t->norm, sizeof t->norm, &asked);
	t->ntok = 0;
	for (i = 0; i < n && t->ntok < TOKENS_MAX; i = j + 1) {
		for (j = i; j < n && t->norm[j] != ' '; j++)
			;
		tk = &t->tok[t->ntok++];
		tk->off = (uint16_t)i;
		tk->len = (uint16_t)(j - i);
		tk->stop = is_stopword(c, t->norm + i, j - i);
		tk->conj = tk->stop && is_conjunction(t->norm + i, j - i);
		tk->arabic = word_arabic(t->norm + i, j - i);
		/* A mark noted after the last word and before this one. */
		tk->apart = false;
		while (b < asked.nbrk && asked.brk[b] <= i) {
			tk->apart = t->ntok > 1;
			b++;
		}
		while (q < asked.n && asked.to[q] <= i)
			q++;
		tk->asked = q < asked.n && asked.from[q] <= i;
		nasked += tk->asked;
	}
	t->preamble = nasked > 0 && nasked < t->ntok;
}

/* Whether a keyword word matches a question word, clitics aside. */
static bool
word_fits(const struct classify *c, const struct stem *s,
    const struct text *t, size_t ti)
{
	const struct token *tk = &t->tok[ti];
	const char *w = t->norm + tk->off;
	size_t starts[STARTS_MAX], ns, i;

	if (!tk->arabic)
		return stem_fits(c, s, w, tk->len);
	ns = arabic_starts(w, tk->len, starts);
	for (i = 0; i < ns; i++)
		if (stem_fits(c, s, w + starts[i], tk->len - starts[i]))
			return true;
	return false;
}

/*
 * Whether the words after the first of a keyword follow question word ti;
 * small words of the question in between are passed over. Sets *last to
 * the question word the keyword ends on.
 */
static bool
rest_fits(const struct classify *c, const struct keyword *k,
    const struct text *t, size_t ti, size_t *last)
{
	size_t skipped;
	int i;

	for (i = 1; i < k->nwords; i++) {
		for (skipped = 0, ti++; ti < t->ntok; skipped++, ti++) {
			if (word_fits(c, &k->word[i], t, ti))
				break;
			if (!t->tok[ti].stop || skipped == STOPS_SKIPPED_MAX)
				return false;
		}
		if (ti >= t->ntok)
			return false;
	}
	*last = ti;
	return true;
}

/* One place a keyword was found: the question words it spans. */
struct occurrence {
	uint32_t kw;
	uint16_t first;
	uint16_t last;
	bool joined;          /* after a conjunction prefix: والمكفوفين */
};

/* Every place keywords were found in one question, in word order. */
struct occurrences {
	struct occurrence o[OCCURRENCES_MAX];
	size_t n;
};

/* Note a keyword found on words first..last, once. */
static void
occurrence_add(struct occurrences *oc, uint32_t kw, size_t first,
    size_t last, bool joined)
{
	size_t i;

	/* An Arabic word tried from several starts may find one twice. */
	for (i = oc->n; i > 0 && oc->o[i - 1].first == first; i--)
		if (oc->o[i - 1].kw == kw)
			return;
	if (oc->n == OCCURRENCES_MAX)
		return;
	oc->o[oc->n].kw = kw;
	oc->o[oc->n].first = (uint16_t)first;
	oc->o[oc->n].last = (uint16_t)last;
	oc->o[oc->n].joined = joined;
	oc->n++;
}

/*
 * Walk question word ti, from byte start, down the trie: every keyword
 * whose first word ends on the way (at a character boundary) and fits,
 * with its other words fitting what follows, is found.
 */
static void
match_from(const struct classify *c, const struct text *t, size_t ti,
    size_t start, struct occurrences *oc)
{
	const struct token *tk = &t->tok[ti];
	const char *w = t->norm + tk->off;
	const struct keyword *k;
	uint32_t node = 0, kw;
	size_t p, last;

	for (p = start; p < tk->len; ) {
		node = node_child(c, node, (unsigned char)w[p]);
		if (node == NONE)
			return;
		p++;
		if (p < tk->len && utf8_cont((unsigned char)w[p]))
			continue;
		for (kw = c->nodes[node].keywords; kw != NONE; kw = k->next) {
			k = &c->kws[kw];
			if (k->word[0].exact && !ending_ok(w + p, tk->len - p,
			    k->word[0].arabic))
				continue;
			if (rest_fits(c, k, t, ti, &last))
				occurrence_add(oc, kw, ti, last,
				    start > 0 && starts_with(w, tk->len, "و"));
		}
	}
}

/*
 * Whether a single-word occurrence is overridden by another theme's
 * keyword on the same question word: a longer single word ("participants"
 * is other's, not particip's) or, if phrases is set, a phrase spanning it
 * ("regional fund" takes "fund" from funding, "sustainable development
 * goals" takes "sustainable"). An event file can so settle an overlap by
 * listing the more specific keyword.
 */
static bool
overridden(const struct classify *c, const struct occurrences *oc,
    size_t i, bool phrases)
{
	const struct occurrence *o = &oc->o[i], *p;
	const struct keyword *k = &c->kws[o->kw], *l;
	size_t j;

	if (k->nwords > 1)
		return false;
	/* Occurrences are in order of their first word; phrases are short. */
	for (j = i; j > 0 && oc->o[j - 1].first + PHRASE_SPAN_MAX >= o->first;
	    j--)
		;
	for (; j < oc->n && oc->o[j].first <= o->first; j++) {
		p = &oc->o[j];
		l = &c->kws[p->kw];
		if (l->theme == k->theme || p->last < o->first)
			continue;
		if (l->nwords > 1 ? phrases : l->word[0].len > k->word[0].len)
			return true;
	}
	return false;
}

/*
 * Whether question words a..b (a < b) are one noun phrase: only small
 * words in between, and not "and" or "or" or a punctuation mark, which
 * keep two things apart.
 */
static bool
one_phrase(const struct text *t, size_t a, size_t b)
{
	size_t i;

	if (b > a + 1 + STOPS_SKIPPED_MAX || t->tok[b].apart)
		return false;
	for (i = a + 1; i < b; i++)
		if (!t->tok[i].stop || t->tok[i].conj || t->tok[i].apart)
			return false;
	return true;
}

/*
 * The weight of a keyword found in a question of language qlang (-1:
 * unknown): less if the keyword is of another language.
 */
static double
keyword_weight(const struct classify *c, const struct keyword *k, int qlang)
{
	if (qlang >= 0 && (k->langs & (1u << qlang)) == 0)
		return k->weight * c->tune.cross_lang;
	return k->weight;
}

/*
 * Mark in drop[] the occurrences that say again what a neighbour of the
 * same theme says: keywords of one theme on adjacent question words
 * ("private-sector partners": private, sector, partner; "sector privado"
 * and "sector") name one thing, which counts once, by its heaviest
 * keyword. Otherwise a noun phrase dense in one theme's words outweighs
 * the word that says what is asked.
 */
static void
runs_mark(const struct classify *c, const struct text *t,
    const struct occurrences *oc, const bool *gone, int qlang, bool *drop)
{
	size_t keep[THEMES_MAX], last[THEMES_MAX], i;
	bool open[THEMES_MAX] = { false };
	const struct occurrence *o;
	int th;

	for (i = 0; i < oc->n; i++) {
		drop[i] = false;
		if (gone[i])
			continue;
		o = &oc->o[i];
		th = c->kws[o->kw].theme;
		if (open[th] && !o->joined && (o->first <= last[th] ||
		    one_phrase(t, last[th], o->first))) {
			if (keyword_weight(c, &c->kws[o->kw], qlang) >
			    keyword_weight(c, &c->kws[oc->o[keep[th]].kw], qlang)) {
				drop[keep[th]] = true;
				keep[th] = i;
			} else {
				drop[i] = true;
			}
			if (o->last > last[th])
				last[th] = o->last;
			continue;
		}
		open[th] = true;
		keep[th] = i;
		last[th] = o->last;
	}
}

/*
 * Add up occurrences into hits, one per keyword, the overridden left out
 * and, if phrases, the neighbours of the same theme merged (runs_mark);
 * a keyword is asked if found once in a sentence asked, while others
 * were not (t->preamble).
 */
static void
hits_collect(const struct classify *c, const struct text *t,
    const struct occurrences *oc, bool phrases, int qlang, struct hits *h)
{
	bool gone[OCCURRENCES_MAX], drop[OCCURRENCES_MAX], asked;
	size_t i, j;

	for (i = 0; i < oc->n; i++)
		gone[i] = overridden(c, oc, i, phrases);
	if (phrases)
		runs_mark(c, t, oc, gone, qlang, drop);
	h->n = 0;
	for (i = 0; i < oc->n; i++) {
		if (gone[i] || (phrases && drop[i]))
			continue;
		asked = t->preamble && t->tok[oc->o[i].first].asked;
		for (j = 0; j < h->n && h->hit[j].kw != oc->o[i].kw; j++)
			;
		if (j < h->n) {
			h->hit[j].count++;
			h->hit[j].asked |= asked;
			continue;
		}
		if (h->n == HITS_MAX)
			continue;
		h->hit[h->n].kw = oc->o[i].kw;
		h->hit[h->n].count = 1;
		h->hit[h->n].asked = asked;
		h->n++;
	}
}

/*
 * Find the keywords of the classifier in a prepared question, leaving out
 * those overridden by another theme's (by its phrases too if phrases).
 */
static void
find_keywords(const struct classify *c, const struct text *t,
    bool phrases, int qlang, struct hits *h)
{
	size_t starts[STARTS_MAX], ns, i, j;
	struct occurrences oc;
	const struct token *tk;

	oc.n = 0;
	for (i = 0; i < t->ntok; i++) {
		tk = &t->tok[i];
		if (!tk->arabic) {
			match_from(c, t, i, 0, &oc);
			continue;
		}
		ns = arabic_starts(t->norm + tk->off, tk->len, starts);
		for (j = 0; j < ns; j++)
			match_from(c, t, i, starts[j], &oc);
	}
	hits_collect(c, t, &oc, phrases, qlang, h);
}

/*
 * Mark the keywords that fire inside one piece of a theme's description:
 * its title, a segment's title or, if one_word, a keyword of one word
 * (a phrase is passed over, see weigh_keywords()).
 */
static void
mark_fired(struct classify *c, struct text *t, struct hits *h,
    const char *s, int theme, bool one_word)
{
	size_t i;

	if (s == NULL)
		return;
	text_prepare(c, t, s);
	if (one_word && t->ntok > 1)
		return;
	/* Another theme's phrase does not hide a word of a title here. */
	find_keywords(c, t, false, -1, h);
	for (i = 0; i < h->n; i++)
		c->kws[h->hit[i].kw].fired_in |= (uint64_t)1 << theme;
}

/*
 * Weigh the keywords: a keyword that fires inside the one-word keywords or
 * the titles of n themes weighs 2/(1+n) -- 1 when it belongs to its theme
 * alone -- and a phrase weighs more for each word beyond its first.
 * Phrases are not looked into: where another theme's phrase occurs it
 * overrides the words it spans anyway (overridden()), and "fund" outside
 * "use of funds" is about money.
 */
static void
weigh_keywords(struct classify *c)
{
	const struct model_event *ev = c->ev;
	const struct model_theme *th;
	struct text *t = xrealloc(NULL, sizeof *t);
	struct hits *h = xrealloc(NULL, sizeof *h);
	struct keyword *k;
	uint64_t fired;
	size_t i, j, l;
	int theme, df;

	for (theme = 0; theme < c->nthemes; theme++) {
		th = &ev->themes[theme];
		mark_fired(c, t, h, th->title, theme, false);
		for (j = 0; j < th->nkeywords; j++)
			for (l = 0; l < th->keywords[j].nwords; l++)
				mark_fired(c, t, h, th->keywords[j].words[l],
				    theme, true);
		for (i = 0; i < ev->nsegments; i++)
			if (ev->segments[i].theme != NULL &&
			    strcmp(ev->segments[i].theme, th->key) == 0)
				mark_fired(c, t, h, ev->segments[i].title,
				    theme, false);
	}
	for (i = 0; i < c->nkws; i++) {
		k = &c->kws[i];
		k->fired_in |= (uint64_t)1 << k->theme;
		/*
		 * Greetings and logistics share words with real themes ("first
		 * question", "first of all"), but say nothing about what a
		 * question is about; those phrases override the word anyway.
		 */
		fired = k->fired_in;
		if (k->theme != c->fallback && c->fallback >= 0)
			fired &= ~((uint64_t)1 << c->fallback);
		df = __builtin_popcountll(fired);
		k->weight = 2.0 / (1.0 + df) *
		    (1.0 + c->tune.phrase_bonus * (k->nwords - 1));
	}
	free(t);
	free(h);
}

/*
 * Find the themes the event as a whole is about: those whose keywords fire
 * in its title ("Financing Victim Assistance": funding). Every question of
 * such an event touches that theme, so it must win on more evidence.
 */
static void
find_topic(struct classify *c)
{
	struct text *t = xrealloc(NULL, sizeof *t);
	struct hits h;
	size_t i;

	c->topic = 0;
	if (c->ev->title != NULL) {
		text_prepare(c, t, c->ev->title);
		find_keywords(c, t, true, -1, &h);
		for (i = 0; i < h.n; i++)
			if (c->kws[h.hit[i].kw].theme != c->fallback)
				c->topic |= (uint64_t)1 << c->kws[h.hit[i].kw].theme;
	}
	free(t);
}

/* FNV-1a hash of n bytes, continuing from h. */
static uint64_t
hash_bytes(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The hash a language mixes into its words when each has its own model. */
static uint64_t
lang_salt(const struct classify *c, const char *lang)
{
	char low[MODEL_LANG_MAX + 1];
	size_t i, n;

	if (c->tune.learn_by_lang < 0.5)
		return 0;
	if (lang == NULL)
		return 1;
	n = strcspn(lang, "-_");
	for (i = 0; i < n && i < MODEL_LANG_MAX; i++)
		low[i] = (char)(lang[i] >= 'A' && lang[i] <= 'Z' ?
		    lang[i] - 'A' + 'a' : lang[i]);
	return hash_bytes(0xcbf29ce484222325ULL, low, i) * 0x9e3779b97f4a7c15ULL;
}

/*
 * The learned model's word for question word ti: stemmed for the text's
 * language as keywords are (an Arabic word also loses a leading "and"),
 * then cut to learn_prefix characters, so that financement, financing
 * and financiación are one word, as the keyword financ meets them all.
 */
static uint64_t
word_hash(const struct classify *c, const struct text *t, size_t ti,
    enum stem_lang sl)
{
	const struct token *tk = &t->tok[ti];
	const char *w = t->norm + tk->off;
	size_t n = tk->len, start, keep, i, k;

	if (tk->arabic) {
		if (starts_with(w, n, "و") && utf8_chars(w, n) >= 5) {
			w += 2;
			n -= 2;
		}
		n = stem_arabic(w, n, &start);
		w += start;
	} else {
		n = stem_latin(w, n, sl);
	}
	keep = (size_t)c->tune.learn_prefix;
	if (keep > 0) {
		for (i = 0, k = 0; i < n; i++)
			if (!utf8_cont((unsigned char)w[i]) && k++ == keep)
				break;
		n = i;
	}
	return hash_bytes(0xcbf29ce484222325ULL, w, n);
}

/* Order hashes, so that a text's repeated words can be counted once. */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The learned model's words of a prepared text in language lang (NULL:
 * unknown), each once, into f[FEATURES_MAX]: the stems of its words but
 * the small ones, and with learn_bigrams each pair of neighbouring such
 * words not kept apart by punctuation. Returns how many.
 */
static size_t
text_features(const struct classify *c, const struct text *t,
    const char *lang, uint64_t *f)
{
	enum stem_lang sl = lang == NULL ? STEM_NONE : stem_lang_of(lang);
	uint64_t salt = lang_salt(c, lang), h, prev = 0;
	bool bigrams = c->tune.learn_bigrams >= 0.5, have_prev = false;
	size_t i, n = 0, k;

	for (i = 0; i < t->ntok && n + 2 <= FEATURES_MAX; i++) {
		if (t->tok[i].stop)
			continue;
		h = word_hash(c, t, i, sl);
		f[n++] = h ^ salt;
		if (bigrams && have_prev && !t->tok[i].apart)
			f[n++] = (prev * 0x9e3779b97f4a7c15ULL + h) ^ salt ^ 1;
		prev = h;
		have_prev = true;
	}
	qsort(f, n, sizeof *f, cmp_u64);
	for (i = 0, k = 0; i < n; i++)
		if (k == 0 || f[i] != f[k - 1])
			f[k++] = f[i];
	return k;
}

/* The index of a learned word, or -1 when the model never saw it. */
static long
feature_find(const struct classify *c, uint64_t key)
{
	size_t mask = c->nslots - 1, i;
	uint32_t s;

	if (c->nslots == 0)
		return -1;
	for (i = (size_t)key & mask; (s = c->slot[i]) != 0; i = (i + 1) & mask)
		if (c->feat_key[s - 1] == key)
			return (long)(s - 1);
	return -1;
}

/* The index of a word being learned, added (its counts at 0) if new. */
static size_t
feature_add(struct classify *c, uint64_t key)
{
	long f = feature_find(c, key);
	size_t mask, i, j, nt = (size_t)c->nthemes;

	if (f >= 0)
		return (size_t)f;
	if ((c->nfeats + 1) * 2 > c->nslots) {
		free(c->slot);
		c->nslots = c->nslots == 0 ? 1024 : c->nslots * 2;
		c->slot = xrealloc(NULL, c->nslots * sizeof *c->slot);
		memset(c->slot, 0, c->nslots * sizeof *c->slot);
		mask = c->nslots - 1;
		for (j = 0; j < c->nfeats; j++) {
			for (i = (size_t)c->feat_key[j] & mask; c->slot[i] != 0;
			    i = (i + 1) & mask)
				;
			c->slot[i] = (uint32_t)(j + 1);
		}
	}
	if (c->nfeats == c->feats_cap) {
		c->feats_cap = c->feats_cap == 0 ? 1024 : c->feats_cap * 2;
		c->feat_key = xrealloc(c->feat_key,
		    c->feats_cap * sizeof *c->feat_key);
		c->feat_logp = xrealloc(c->feat_logp,
		    c->feats_cap * nt * sizeof *c->feat_logp);
	}
	mask = c->nslots - 1;
	for (i = (size_t)key & mask; c->slot[i] != 0; i = (i + 1) & mask)
		;
	c->slot[i] = (uint32_t)(c->nfeats + 1);
	c->feat_key[c->nfeats] = key;
	memset(c->feat_logp + c->nfeats * nt, 0, nt * sizeof *c->feat_logp);
	return c->nfeats++;
}

/* Count the words of one text of a theme, each once, with weight w. */
static void
learn_text(struct classify *c, struct text *t, uint64_t *f, const char *s,
    const char *lang, int theme, double w)
{
	size_t i, n, k;

	text_prepare(c, t, s);
	n = text_features(c, t, lang, f);
	for (i = 0; i < n; i++) {
		k = feature_add(c, f[i]);
		c->feat_logp[k * (size_t)c->nthemes + (size_t)theme] +=
		    (float)w;
	}
}

/*
 * Learn a multinomial naive Bayes model (each word counted once per
 * text) from the labelled examples and, as more evidence, the event's
 * keywords: P(word | theme) with additive smoothing learn_alpha, kept as
 * logarithms in place of the counts. The themes are taken as equally
 * likely beforehand: the labelled sets hold about as many of each.
 */
static void
learn(struct classify *c, const struct model_example *ex, size_t nex)
{
	const struct model_event *ev = c->ev;
	const struct model_keywords *kw;
	struct text *t = xrealloc(NULL, sizeof *t);
	uint64_t *f = xrealloc(NULL, FEATURES_MAX * sizeof *f);
	double total[THEMES_MAX] = { 0 }, a = c->tune.learn_alpha, v;
	float unseen[THEMES_MAX];
	size_t i, j, l, nt = (size_t)c->nthemes;
	int theme;

	for (i = 0; i < nex; i++)
		if (ex[i].theme >= 0 && ex[i].theme < c->nthemes &&
		    ex[i].text != NULL)
			learn_text(c, t, f, ex[i].text, ex[i].lang,
			    ex[i].theme, 1.0);
	if (c->tune.learn_keywords > 0)
		for (theme = 0; theme < c->nthemes; theme++)
			for (j = 0; j < ev->themes[theme].nkeywords; j++) {
				kw = &ev->themes[theme].keywords[j];
				for (l = 0; l < kw->nwords; l++)
					learn_text(c, t, f, kw->words[l],
					    kw->lang, theme,
					    c->tune.learn_keywords);
			}
	for (i = 0; i < c->nfeats; i++)
		for (j = 0; j < nt; j++)
			total[j] += c->feat_logp[i * nt + j];
	/* Most words are never seen with most themes: one logarithm each. */
	v = (double)c->nfeats;
	for (j = 0; j < nt; j++) {
		total[j] = log(total[j] + a * v);
		unseen[j] = (float)(log(a) - total[j]);
	}
	for (i = 0; i < c->nfeats; i++)
		for (j = 0; j < nt; j++)
			c->feat_logp[i * nt + j] = c->feat_logp[i * nt + j] == 0 ?
			    unseen[j] : (float)(log(c->feat_logp[i * nt + j] +
			    a) - total[j]);
	c->learned = c->nfeats > 0;
	free(t);
	free(f);
}

/*
 * The learned model's log-posterior of each theme for a prepared
 * question, into lp[]: the log-likelihoods of its known words, summed,
 * normalised over the themes.
 */
static void
learned_posterior(const struct classify *c, const struct text *t,
    const char *lang, double *lp)
{
	uint64_t f[FEATURES_MAX];
	size_t i, n, nt = (size_t)c->nthemes;
	const float *row;
	double m, sum;
	long k;

	for (i = 0; i < nt; i++)
		lp[i] = 0.0;
	n = text_features(c, t, lang, f);
	for (i = 0; i < n; i++) {
		k = feature_find(c, f[i]);
		if (k < 0)
			continue;
		row = c->feat_logp + (size_t)k * nt;
		for (size_t j = 0; j < nt; j++)
			lp[j] += row[j];
	}
	for (m = lp[0], i = 1; i < nt; i++)
		if (lp[i] > m)
			m = lp[i];
	for (sum = 0.0, i = 0; i < nt; i++)
		sum += exp(lp[i] - m);
	for (i = 0; i < nt; i++)
		lp[i] -= m + log(sum);
}

/* Fill in the constants classify_create() uses. */
void
classify_tuning_default(struct classify_tuning *t)
{
	*t = tuning_default;
}

/*
 * Build the keyword index of an event's themes and learn from its
 * examples, scored as the defaults say.
 */
struct classify *
classify_create(const struct model_event *ev)
{
	return classify_create_learned(ev, ev->examples, ev->nexamples, NULL);
}

/* Build a classifier of an event's themes, with the constants t. */
struct classify *
classify_create_tuned(const struct model_event *ev,
    const struct classify_tuning *t)
{
	return classify_create_learned(ev, ev->examples, ev->nexamples, t);
}

/* Build a classifier learning from the examples given, with constants t. */
struct classify *
classify_create_learned(const struct model_event *ev,
    const struct model_example *ex, size_t nex,
    const struct classify_tuning *t)
{
	struct classify *c = xrealloc(NULL, sizeof *c);
	const struct model_keywords *kw;
	char norm[64];
	size_t i, j, l, n;
	uint32_t node;
	int theme, lang;

	memset(c, 0, sizeof *c);
	c->ev = ev;
	c->tune = t != NULL ? *t : tuning_default;
	c->nthemes = ev->nthemes < THEMES_MAX ? (int)ev->nthemes : THEMES_MAX;
	c->fallback = c->nthemes - 1;
	for (theme = 0; theme < c->nthemes; theme++)
		if (strcmp(ev->themes[theme].key, "other") == 0)
			c->fallback = theme;
	c->nodes_cap = 1024;
	c->nodes = xrealloc(NULL, c->nodes_cap * sizeof *c->nodes);
	c->nnodes = 1;
	c->nodes[0].child = NONE;
	c->nodes[0].sibling = NONE;
	c->nodes[0].keywords = NONE;
	c->nodes[0].byte = 0;
	c->nodes[0].stop = false;
	for (i = 0; i < 256; i++)
		c->root[i] = NONE;
	c->kws_cap = 256;
	c->kws = xrealloc(NULL, c->kws_cap * sizeof *c->kws);
	c->pool_cap = 4096;
	c->pool = xrealloc(NULL, c->pool_cap);
	for (i = 0; i < sizeof stopwords / sizeof stopwords[0]; i++) {
		n = classify_normalise(stopwords[i], norm, sizeof norm);
		node = node_insert(c, norm, n);
		if (node != 0)
			c->nodes[node].stop = true;
	}
	for (theme = 0; theme < c->nthemes; theme++) {
		for (j = 0; j < ev->themes[theme].nkeywords; j++) {
			kw = &ev->themes[theme].keywords[j];
			lang = lang_index(c, kw->lang);
			for (l = 0; l < kw->nwords; l++)
				keyword_add(c, theme, lang,
				    stem_lang_of(kw->lang), kw->words[l]);
		}
	}
	weigh_keywords(c);
	find_topic(c);
	if (nex > 0 && c->nthemes > 0)
		learn(c, ex, nex);
	return c;
}

/* Bytes a classifier holds. */
size_t
classify_size(const struct classify *c)
{
	return sizeof *c + c->nodes_cap * sizeof *c->nodes +
	    c->kws_cap * sizeof *c->kws + c->pool_cap +
	    c->feats_cap * (sizeof *c->feat_key +
	    (size_t)c->nthemes * sizeof *c->feat_logp) +
	    c->nslots * sizeof *c->slot;
}

/* Free a classifier. */
void
classify_destroy(struct classify *c)
{
	if (c == NULL)
		return;
	free(c->nodes);
	free(c->kws);
	free(c->pool);
	free(c->feat_key);
	free(c->feat_logp);
	free(c->slot);
	free(c);
}

/*
 * Decide with the learned model: each theme's keyword score (other's
 * already scaled, o) plus learn_weight times the model's log-posterior;
 * the best wins, ties to the theme listed first. The confidence is the
 * margin between the two best of those sums turned into probabilities.
 */
static const char *
learned_pick(const struct classify *c, const struct text *t,
    const char *lang, const double *score, double o, double *confidence)
{
	double lp[THEMES_MAX], v[THEMES_MAX], sum = 0.0, second;
	int theme, best = c->fallback;

	learned_posterior(c, t, lang, lp);
	for (theme = 0; theme < c->nthemes; theme++)
		v[theme] = (theme == c->fallback ? o : score[theme]) +
		    c->tune.learn_weight * lp[theme];
	/* Ties, as when nothing is known of the text, go to the fallback. */
	for (theme = 0; theme < c->nthemes; theme++)
		if (v[theme] > v[best])
			best = theme;
	second = -HUGE_VAL;
	for (theme = 0; theme < c->nthemes; theme++) {
		sum += exp(v[theme] - v[best]);
		if (theme != best && v[theme] > second)
			second = v[theme];
	}
	if (confidence != NULL)
		*confidence = c->nthemes < 2 ? 0.0 :
		    (1.0 - exp(second - v[best])) / sum;
	return c->ev->themes[best].key;
}

/* Suggest the theme of one question, with a confidence. */
const char *
classify_text(const struct classify *c, const char *text, const char *lang,
    double *confidence)
{
	struct text t;
	struct hits h;
	double score[THEMES_MAX] = { 0 }, w, top, runner, best_s, second_s, o;
	const struct keyword *k;
	int qlang, theme, best = -1, pick;
	size_t i;

	if (confidence != NULL)
		*confidence = 0.0;
	if (c->fallback < 0)
		return "other";
	text_prepare(c, &t, text == NULL ? "" : text);
	qlang = lang_lookup(c, lang);
	find_keywords(c, &t, true, qlang, &h);
	for (i = 0; i < h.n; i++) {
		k = &c->kws[h.hit[i].kw];
		w = keyword_weight(c, k, qlang);
		if (h.hit[i].count > 1)
			w *= 1.0 + c->tune.repeat_bonus;
		if (c->topic & (uint64_t)1 << k->theme)
			w *= c->tune.topic_factor;
		/*
		 * What is asked counts more than its preamble; greetings and
		 * thanks before a question ("Thank you, Chair. How...?") are
		 * a formula, not what the question is about.
		 */
		if (h.hit[i].asked && k->theme != c->fallback)
			w *= c->tune.asked_bonus;
		else if (t.preamble && !h.hit[i].asked &&
		    k->theme == c->fallback)
			w /= c->tune.asked_bonus;
		score[k->theme] += w;
	}
	/* Ties go to the theme listed first. */
	best_s = second_s = 0.0;
	for (theme = 0; theme < c->nthemes; theme++) {
		if (theme == c->fallback)
			continue;
		if (best < 0 || score[theme] > best_s) {
			second_s = best < 0 ? 0.0 : best_s;
			best_s = score[theme];
			best = theme;
		} else if (score[theme] > second_s) {
			second_s = score[theme];
		}
	}
	o = score[c->fallback] * c->tune.other_factor;
	if (c->learned)
		return learned_pick(c, &t, lang, score, o, confidence);
	if (best < 0 || best_s < c->tune.min_score || o >= best_s) {
		pick = c->fallback;
		top = o;
		runner = best_s;
	} else {
		pick = best;
		top = best_s;
		runner = second_s > o ? second_s : o;
	}
	/* Unsure of "other" too when it won only for lack of a real score. */
	if (confidence != NULL && top > runner)
		*confidence = (top - runner) / top * (top / (top + 1.0));
	return c->ev->themes[pick].key;
}

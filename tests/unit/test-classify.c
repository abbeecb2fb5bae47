/*
 * test-classify.c -- the theme classifier: every normalisation rule, the
 * stemming and phrase rules on small events made here, clear questions of
 * every theme in the four languages of the shipped sample, input that is
 * empty, garbage or very long, and the accuracy on the four labelled
 * sets: sample-data/themes-dev.jsonl, themes-dev2.jsonl (written in other
 * words, after the first was tuned on), the shipped questions.jsonl
 * labelled by questions-labels.json (a third writer's, held out until the
 * third round) and themes-holdout1.jsonl (a fourth writer's, held out until
 * the fourth round), which must not drop below the figures reached
 * (docs/CLASSIFIER.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "classify.h"
#include "event.h"

/*
 * Accuracy reached on each development set, overall and per language,
 * less a margin so that a keyword changed for a good reason may cost two
 * questions overall or one in a language (docs/CLASSIFIER.md has the
 * figures of the fourth round: 99.4%, 96.7%, 94.9% and 97.5%).
 */
#define DEV_MIN_OVERALL 0.98
#define DEV_MIN_LANG 0.95
#define DEV2_MIN_OVERALL 0.95
#define DEV2_MIN_LANG 0.91
#define QUESTIONS_MIN_OVERALL 0.92
#define QUESTIONS_MIN_LANG 0.81
#define HOLDOUT1_MIN_OVERALL 0.96
#define HOLDOUT1_MIN_LANG 0.93

/*
 * Accuracy with a model learned from the other four labelled sets on the
 * blind sets 5 (themes-holdout2.jsonl) and 4 (themes-holdout1.jsonl),
 * overall and per language, less two questions overall and one in a
 * language (docs/CLASSIFIER.md).
 */
#define LEARNED5_MIN_OVERALL 0.91
#define LEARNED5_MIN_LANG 0.88
#define LEARNED4_MIN_OVERALL 0.94
#define LEARNED4_MIN_LANG 0.90

/*
 * The shipped classifier (keywords and the model learned from the five
 * sets the sample event names) on the blind sets 6 and 7
 * (themes-holdout3.jsonl, themes-holdout4.jsonl): written by two writers
 * who saw only the concept note and the themes' descriptions, never the
 * classifier, its keywords or the other sets; scored once each, at 96.5%
 * and 95.5%, then added here. Not in the event's examples, so that they
 * stay unseen by the model: the floor is the first score less two
 * questions overall and one in a language.
 */
#define BLIND_MIN_OVERALL 0.945
#define BLIND_MIN_LANG 0.92

/* Questions a development set holds at least, in all and per language. */
#define DEV_MIN_QUESTIONS 120
#define DEV_MIN_PER_LANG 30
#define QUESTIONS_MIN_QUESTIONS 60
#define QUESTIONS_MIN_PER_LANG 15
#define HOLDOUT1_MIN_QUESTIONS 200
#define HOLDOUT1_MIN_PER_LANG 50

/* Normalise in a roomy buffer and compare. */
static void
check_norm(const char *in, const char *want)
{
	char out[512];
	size_t n = classify_normalise(in, out, sizeof out);

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

/* Case and accents of French, Spanish and other Latin letters. */
static void
test_normalise_latin(void **state)
{
	(void)state;
	check_norm("Éducation ÉLÈVE à l'école", "education eleve a l ecole");
	check_norm("Pérennité, équité, intégrer, Côte d'Ivoire",
	    "perennite equite integrer cote d ivoire");
	check_norm("Français garçon ÇA", "francais garcon ca");
	check_norm("Niño AÑO ¿Dónde? ¡Sí!", "nino ano donde si");
	check_norm("Cœur ŒUVRE Æther Straße", "coeur oeuvre aether strasse");
	check_norm("naïve Noël über", "naive noel uber");
	/* Decomposed: e + combining acute, n + combining tilde. */
	check_norm("e\xcc\x81" "te\xcc\x81" " man\xcc\x83" "ana", "ete manana");
}

/* Arabic letter variants, marks and digits. */
static void
test_normalise_arabic(void **state)
{
	(void)state;
	/* Alef with hamza above, below, madda, wasla: bare alef. */
	check_norm("أإآٱ", "اااا");
	check_norm("أموال إدماج آليات", "اموال ادماج اليات");
	/* Ta marbuta: ha. */
	check_norm("مساعدة", "مساعده");
	/* Alef maqsura: ya. */
	check_norm("على مستوى", "علي مستوي");
	/* Harakat (fatha, damma, kasra, sukun, shadda, tanween) go. */
	check_norm("شُكْرًا", "شكرا");
	check_norm("يقدّرها", "يقدرها");
	check_norm("مُسَاعَدَةٌ", "مساعده");
	/* Tatweel goes. */
	check_norm("تـمـويـل", "تمويل");
	/* Hamza on waw and on ya. */
	check_norm("مؤسسة", "موسسه");
	check_norm("هيئة تعبئة", "هييه تعبيه");
	/* Arabic-Indic digits; Arabic comma and question mark separate. */
	check_norm("خطة ٢٠٣٠، جيد؟", "خطه 2030 جيد");
}

/* Punctuation, spaces and bad bytes. */
static void
test_normalise_spaces(void **state)
{
	(void)state;
	check_norm("  Hello,   world!! (test)  ", "hello world test");
	check_norm("long-term\tfunding\r\nnow", "long term funding now");
	check_norm("«droits» — “rights” …", "droits rights");
	check_norm("a\xff" "b\xc3", "a b");
	check_norm("", "");
	check_norm("?!.,;:", "");
	check_norm("emoji \xf0\x9f\x98\x80 here", "emoji here");
	check_norm(NULL, "");
}

/* Output never overflows, never cuts a character, never outgrows 2x. */
static void
test_normalise_limits(void **state)
{
	static const char *const samples[] = {
		"Éducation ÉLÈVE", "مُسَاعَدَةٌ للتمويل", "Straße ŒUVRE æ",
		"a,b.c;d", "٢٠٣٠ ۲۰۳۰", "\xff\xfe x \xc3",
	};
	char out[8], big[256];
	size_t n, i;

	(void)state;
	n = classify_normalise("تمويل", out, 4);
	assert_int_equal(n, 2);
	assert_string_equal(out, "ت");
	n = classify_normalise("tout", out, 3);
	assert_int_equal(n, 2);
	assert_string_equal(out, "to");
	n = classify_normalise("tout", out, 1);
	assert_int_equal(n, 0);
	assert_string_equal(out, "");
	assert_int_equal(classify_normalise("tout", out, 0), 0);
	/* A space is only written with the word that follows it. */
	n = classify_normalise("ab cd", out, 4);
	assert_string_equal(out, "ab");
	for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		n = classify_normalise(samples[i], big, sizeof big);
		assert_int_equal(n, strlen(big));
		assert_true(n <= 2 * strlen(samples[i]));
	}
}

/* A small event: theme "a" with keywords in one language, then "other". */
struct mini {
	struct model_event ev;
	struct model_theme th[2];
	struct model_keywords kw;
	char *words[8];
};

/* Make a small event whose theme "a" has the given keywords. */
static void
mini_init(struct mini *m, const char *lang, const char *const *words,
    size_t n)
{
	size_t i;

	memset(m, 0, sizeof *m);
	assert_true(n <= 8);
	snprintf(m->kw.lang, sizeof m->kw.lang, "%s", lang);
	for (i = 0; i < n; i++)
		m->words[i] = (char *)words[i];
	m->kw.words = m->words;
	m->kw.nwords = n;
	m->th[0].key = "a";
	m->th[0].title = "Theme A";
	m->th[0].keywords = &m->kw;
	m->th[0].nkeywords = 1;
	m->th[1].key = "other";
	m->th[1].title = "Other";
	m->ev.themes = m->th;
	m->ev.nthemes = 2;
}

/* Whether a one-keyword event's keyword is found in a question. */
static bool
mini_matches(const char *lang, const char *keyword, const char *text)
{
	const char *words[1] = { keyword };
	struct classify *c;
	struct mini m;
	const char *key;

	mini_init(&m, lang, words, 1);
	c = classify_create(&m.ev);
	key = classify_text(c, text, lang, NULL);
	classify_destroy(c);
	return strcmp(key, "a") == 0;
}

/* Light stemming: inflected forms of a keyword meet on both sides. */
static void
test_stemming(void **state)
{
	(void)state;
	/* English plurals, -ing, -ed, -y. */
	assert_true(mini_matches("en", "resources", "one resource only"));
	assert_true(mini_matches("en", "identify", "identification of needs"));
	assert_true(mini_matches("en", "excluded", "they exclude nobody"));
	assert_true(mini_matches("en", "training", "who trains them"));
	assert_false(mini_matches("en", "access", "acce"));
	/* French plural and feminine, verbs. */
	assert_true(mini_matches("fr", "handicapées", "un enfant handicapé"));
	assert_true(mini_matches("fr", "ressources", "la ressource"));
	assert_true(mini_matches("fr", "commencer", "commençons demain"));
	assert_true(mini_matches("fr", "inclure", "inclusion des survivants"));
	/* Spanish plural, gender, verbs. */
	assert_true(mini_matches("es", "mujeres", "una mujer"));
	assert_true(mini_matches("es", "empresa", "el sector empresarial"));
	assert_true(mini_matches("es", "empezar", "empezamos hoy"));
	/* Arabic article, conjunction, preposition, plural, verb prefix. */
	assert_true(mini_matches("ar", "التمويل", "تمويل"));
	assert_true(mini_matches("ar", "تمويل", "والتمويل"));
	assert_true(mini_matches("ar", "تمويل", "وللتمويل"));
	assert_true(mini_matches("ar", "تمويل", "بالتمويل"));
	assert_true(mini_matches("ar", "الناجين", "الناجون"));
	assert_true(mini_matches("ar", "الناجين", "للناجيات"));
	assert_true(mini_matches("ar", "إقليمية", "الإقليمي"));
	assert_true(mini_matches("ar", "بدأ", "من أين نبدأ"));
	/* A short Arabic stem is a whole word: ناجح is not ناجين. */
	assert_false(mini_matches("ar", "الناجين", "مثال ناجح"));
	/* Short stems are whole words, give or take a plural or -ed, -ing. */
	assert_true(mini_matches("en", "sdg", "the SDGs"));
	assert_true(mini_matches("en", "age", "all ages"));
	assert_true(mini_matches("en", "age", "aged persons"));
	assert_true(mini_matches("en", "ask for", "we asked for help"));
	assert_true(mini_matches("en", "pay", "who is paying"));
	assert_false(mini_matches("en", "age", "the agenda"));
	assert_false(mini_matches("en", "csr", "csrf"));
	assert_false(mini_matches("en", "pay", "payroll"));
	/* An Arabic short stem with the accusative alef: أولاً is أول. */
	assert_true(mini_matches("ar", "أول", "بمن نتصل أولاً؟"));
	assert_false(mini_matches("ar", "أول", "أولويات"));
	/* Longer stems are prefixes, but only at the start of a word. */
	assert_true(mini_matches("en", "financ", "Financing"));
	assert_false(mini_matches("en", "financ", "cofinancing"));
	/* Accents and case meet on both sides. */
	assert_true(mini_matches("fr", "Pérenn", "PERENNITE"));
	assert_true(mini_matches("es", "niñas", "las ninas"));
}

/* Phrases are words in sequence, small words in between passed over. */
static void
test_phrases(void **state)
{
	(void)state;
	assert_true(mini_matches("en", "lack of funds", "a lack of funds"));
	assert_true(mini_matches("en", "lack of funds", "lack of the funds"));
	assert_false(mini_matches("en", "lack of funds", "lack any funds"));
	assert_false(mini_matches("en", "lack of funds", "funds lack"));
	assert_false(mini_matches("en", "lack of funds", "lack"));
	assert_true(mini_matches("en", "long-term", "long term support"));
	assert_true(mini_matches("fr", "demande d'assistance",
	    "une demande d'une assistance"));
	assert_true(mini_matches("es", "sur-sur", "cooperación Sur Sur"));
	assert_false(mini_matches("es", "sur-sur", "hacia el sur"));
	/* Small words at a phrase's ends are part of it. */
	assert_true(mini_matches("es", "asociación con", "asociación con"));
	assert_false(mini_matches("es", "asociación con",
	    "asociaciones pequeñas"));
	assert_true(mini_matches("ar", "الحماية الاجتماعية",
	    "وبالحماية الاجتماعية"));
	assert_true(mini_matches("ar", "طلب المساعدة", "طلب المساعدات"));
}

/* Where a longer keyword of another theme matches a word, it wins. */
static void
test_longest_wins(void **state)
{
	static char *a_words[] = { "particip" };
	static char *b_words[] = { "participants" };
	struct model_keywords kw[2] = {
		{ "en", a_words, 1 }, { "en", b_words, 1 },
	};
	struct model_theme th[2] = {
		{ "inclusion", "Inclusion", &kw[0], 1 },
		{ "other", "Other", &kw[1], 1 },
	};
	struct model_event ev;
	struct classify *c;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.themes = th;
	ev.nthemes = 2;
	c = classify_create(&ev);
	assert_string_equal(classify_text(c, "welcome participants", "en",
	    NULL), "other");
	assert_string_equal(classify_text(c, "participation of survivors",
	    "en", NULL), "inclusion");
	classify_destroy(c);
}

/* A two-theme event ("a", "b") and "other", one keyword list each. */
struct duo {
	struct model_event ev;
	struct model_theme th[3];
	struct model_keywords kw[3];
};

/* Make a two-theme event with the given keywords (other's may be NULL). */
static void
duo_init(struct duo *d, char **a, size_t na, char **b, size_t nb,
    char **other, size_t nother)
{
	static const char *const keys[] = { "a", "b", "other" };
	char **words[3] = { a, b, other };
	size_t n[3] = { na, nb, nother }, i;

	memset(d, 0, sizeof *d);
	for (i = 0; i < 3; i++) {
		snprintf(d->kw[i].lang, sizeof d->kw[i].lang, "en");
		d->kw[i].words = words[i];
		d->kw[i].nwords = n[i];
		d->th[i].key = (char *)keys[i];
		d->th[i].title = (char *)keys[i];
		d->th[i].keywords = n[i] > 0 ? &d->kw[i] : NULL;
		d->th[i].nkeywords = n[i] > 0 ? 1 : 0;
	}
	d->ev.themes = d->th;
	d->ev.nthemes = 3;
}

/* The sentence asked outweighs the preamble before it. */
static void
test_asked_sentence(void **state)
{
	static char *a[] = { "network" }, *b[] = { "money" };
	struct classify *c;
	struct duo d;

	(void)state;
	duo_init(&d, a, 1, b, 1, NULL, 0);
	c = classify_create(&d.ev);
	/* One sentence: a tie, and ties go to the theme listed first. */
	assert_string_equal(classify_text(c, "Our network needs money?", "en",
	    NULL), "a");
	/* A preamble, then the question: the question decides. */
	assert_string_equal(classify_text(c, "We have a network. How do we "
	    "find money?", "en", NULL), "b");
	assert_string_equal(classify_text(c, "We have money. Can the network "
	    "help?", "en", NULL), "a");
	/* After a colon, in Arabic and Spanish punctuation too. */
	assert_string_equal(classify_text(c, "Network first: what about "
	    "money?", "en", NULL), "b");
	assert_string_equal(classify_text(c, "Network. ¿Money?", "en", NULL),
	    "b");
	assert_string_equal(classify_text(c, "network. money؟", "en", NULL),
	    "b");
	/* Thanks after the question do not move it. */
	assert_string_equal(classify_text(c, "Network. What about money? "
	    "Thank you.", "en", NULL), "b");
	/* Without a question mark, every sentence counts alike. */
	assert_string_equal(classify_text(c, "We have a network. We need "
	    "money.", "en", NULL), "a");
	classify_destroy(c);
}

/*
 * A word that "other" only uses inside its own phrases ("first question")
 * keeps its full weight for its theme: the phrase overrides it where it
 * stands, and greetings say nothing about what questions are about.
 */
static void
test_other_shares_words(void **state)
{
	static char *a[] = { "first" }, *b[] = { "plan" };
	static char *other[] = { "first question" };
	struct classify *c;
	struct duo d;

	(void)state;
	duo_init(&d, a, 1, b, 1, other, 1);
	c = classify_create(&d.ev);
	/* "first" and "plan" weigh the same: a tie, won by "a". */
	assert_string_equal(classify_text(c, "first plan", "en", NULL), "a");
	/* Inside other's phrase, "first" is not the theme's. */
	assert_string_equal(classify_text(c, "My first question is about "
	    "the plan", "en", NULL), "b");
	classify_destroy(c);
}

/*
 * Keywords of one theme on neighbouring words name one thing and count
 * once ("private-sector partners"); "and", "or", the Arabic و and
 * punctuation keep two things apart, which count twice.
 */
static void
test_one_thing_counts_once(void **state)
{
	static char *rights[] = { "left out" };
	static char *business[] = { "private", "sector", "partner" };
	static char *a[] = { "rights" }, *b[] = { "bank", "insur" };
	static char *a_ar[] = { "حقوق" }, *b_ar[] = { "مصارف", "شركات" };
	struct classify *c;
	struct duo d;

	(void)state;
	duo_init(&d, rights, 1, business, 3, NULL, 0);
	c = classify_create(&d.ev);
	assert_string_equal(classify_text(c, "How do we stop private-sector "
	    "partners from picking the easy cases while others are left "
	    "out?", "en", NULL), "a");
	/* Apart, they are three things. */
	assert_string_equal(classify_text(c, "Partners, private firms, any "
	    "sector: are some left out?", "en", NULL), "b");
	classify_destroy(c);
	duo_init(&d, a, 1, b, 2, NULL, 0);
	c = classify_create(&d.ev);
	/* One thing against one: a tie, won by the theme listed first. */
	assert_string_equal(classify_text(c, "bank insurers rights", "en",
	    NULL), "a");
	assert_string_equal(classify_text(c, "banks and insurers, rights",
	    "en", NULL), "b");
	assert_string_equal(classify_text(c, "banks or insurers: rights",
	    "en", NULL), "b");
	assert_string_equal(classify_text(c, "banks, insurers: rights",
	    "en", NULL), "b");
	assert_string_equal(classify_text(c, "bank (insurers) rights",
	    "en", NULL), "b");
	classify_destroy(c);
	duo_init(&d, a_ar, 1, b_ar, 2, NULL, 0);
	snprintf(d.kw[0].lang, sizeof d.kw[0].lang, "ar");
	snprintf(d.kw[1].lang, sizeof d.kw[1].lang, "ar");
	c = classify_create(&d.ev);
	assert_string_equal(classify_text(c, "المصارف الشركات حقوق", "ar",
	    NULL), "a");
	assert_string_equal(classify_text(c, "المصارف والشركات حقوق", "ar",
	    NULL), "b");
	classify_destroy(c);
}

/*
 * A word inside another theme's phrase keeps its full weight where it
 * stands alone ("funds" is money outside "use of funds", "private" outside
 * "public-private"), while the phrase still takes the word where it occurs.
 */
static void
test_phrase_not_weakening(void **state)
{
	static char *a[] = { "fund" }, *b[] = { "use of funds", "report" };
	static char *a2[] = { "private" };
	static char *b2[] = { "public-private", "report" };
	struct classify *c;
	struct duo d;

	(void)state;
	duo_init(&d, a, 1, b, 2, NULL, 0);
	c = classify_create(&d.ev);
	/* fund and report weigh the same: a tie, won by "a". */
	assert_string_equal(classify_text(c, "reports, funds", "en", NULL),
	    "a");
	assert_string_equal(classify_text(c, "reports on the use of funds",
	    "en", NULL), "b");
	classify_destroy(c);
	/* A hyphenated keyword is a phrase too. */
	duo_init(&d, a2, 1, b2, 2, NULL, 0);
	c = classify_create(&d.ev);
	assert_string_equal(classify_text(c, "reports, private firms", "en",
	    NULL), "a");
	assert_string_equal(classify_text(c, "reports on public-private "
	    "deals", "en", NULL), "b");
	classify_destroy(c);
}

/* Small words and Arabic forms added in the third round. */
static void
test_more_forms(void **state)
{
	(void)state;
	/* Possessive 's and French and Spanish determiners are passed over. */
	assert_true(mini_matches("en", "survivor network",
	    "the survivor's network"));
	assert_true(mini_matches("en", "survivor network",
	    "the survivors' network"));
	assert_true(mini_matches("fr", "partager expérience",
	    "partager leur expérience"));
	assert_true(mini_matches("es", "red de sobrevivientes",
	    "la red de nuestros sobrevivientes"));
	/* A final hamza changes its seat before an ending. */
	assert_true(mini_matches("ar", "الإقصاء", "يتم إقصاؤهن"));
	assert_true(mini_matches("ar", "الإقصاء", "دون إقصائهم"));
	/* The future's sa- before a present-tense prefix. */
	assert_true(mini_matches("ar", "بدأ", "متى سنبدأ؟"));
	assert_true(mini_matches("ar", "تمويل", "وسيتم التمويل"));
	/* A short stem meets a verb's past endings, not another word. */
	assert_true(mini_matches("ar", "صرف", "وكيف يثبتون أين صُرفت؟"));
	assert_true(mini_matches("ar", "طلب", "هل طلبوا الدعم؟"));
	assert_false(mini_matches("ar", "حق", "حقل زراعي"));
}

/* A question and the theme it clearly is about. */
struct clear {
	const char *lang;
	const char *theme;
	const char *text;
};

/* Two clear questions per theme and language (not from the dev set). */
static const struct clear clear_questions[] = {
	{ "en", "funding", "How can we secure sustainable, multi-year funding for rehabilitation services?" },
	{ "en", "funding", "What makes a country attractive to donors?" },
	{ "en", "first-steps", "What are the first steps a state should take to request assistance?" },
	{ "en", "first-steps", "Where should an organisation start when identifying opportunities for cooperation?" },
	{ "en", "innovation", "Can you give examples of partnerships with the private sector and corporate social responsibility?" },
	{ "en", "innovation", "How can victim assistance be integrated into the health system and social protection?" },
	{ "en", "rights", "How do we ensure that money is invested with respect for human rights and non-discrimination?" },
	{ "en", "rights", "How do we make sure women and girls have equal access to services?" },
	{ "en", "inclusion", "How can we build the capacity of survivor networks and organisations of persons with disabilities?" },
	{ "en", "inclusion", "Which accountability and transparency measures do donors value most?" },
	{ "en", "regional", "Are there good examples of South-South cooperation or regional funds?" },
	{ "en", "regional", "How can regional organisations support the exchange of experience and training of service providers?" },
	{ "en", "other", "Good morning everyone, thank you for the invitation." },
	{ "en", "other", "Will the slides and the recording be available after the session?" },
	{ "fr", "funding", "Comment obtenir un financement durable et pluriannuel pour les services aux victimes ?" },
	{ "fr", "funding", "Qu'est-ce qui rend un État attrayant pour les bailleurs ?" },
	{ "fr", "first-steps", "Quelles sont les premières mesures à prendre pour solliciter une assistance ?" },
	{ "fr", "first-steps", "Par où commencer pour identifier des perspectives de coopération ?" },
	{ "fr", "innovation", "Quels partenariats avec le secteur privé et les entreprises ont bien fonctionné ?" },
	{ "fr", "innovation", "Comment intégrer l'assistance aux victimes dans la protection sociale et l'emploi ?" },
	{ "fr", "rights", "Comment veiller à ce que les fonds respectent les droits de l'homme et la non-discrimination ?" },
	{ "fr", "rights", "Comment assurer l'égalité d'accès des femmes et des enfants aux services ?" },
	{ "fr", "inclusion", "Comment renforcer les capacités des réseaux de survivants et des organisations de personnes handicapées ?" },
	{ "fr", "inclusion", "Quelles mesures de redevabilité et de transparence sont les plus appréciées des donateurs ?" },
	{ "fr", "regional", "Existe-t-il de bons exemples de coopération Sud-Sud ou de fonds régionaux ?" },
	{ "fr", "regional", "Comment favoriser l'échange d'expériences et la formation des prestataires de services dans la région ?" },
	{ "fr", "other", "Bonjour à tous et merci pour l'invitation." },
	{ "fr", "other", "L'interprétation en arabe ne fonctionne pas, pouvez-vous vérifier le son ?" },
	{ "es", "funding", "¿Cómo lograr una financiación sostenible a largo plazo para los servicios de rehabilitación?" },
	{ "es", "funding", "¿Qué hace que un Estado sea atractivo para los donantes?" },
	{ "es", "first-steps", "¿Cuáles son los primeros pasos para solicitar asistencia?" },
	{ "es", "first-steps", "¿Por dónde empezar para identificar oportunidades de cooperación?" },
	{ "es", "innovation", "¿Qué alianzas con el sector privado y la responsabilidad social empresarial han funcionado?" },
	{ "es", "innovation", "¿Cómo integrar la asistencia a víctimas en el sistema de salud y la protección social?" },
	{ "es", "rights", "¿Cómo asegurar que los fondos respeten los derechos humanos y la no discriminación?" },
	{ "es", "rights", "¿Cómo asegurar la igualdad de acceso de mujeres y niñas?" },
	{ "es", "inclusion", "¿Cómo fortalecer las capacidades de las redes de sobrevivientes y de las organizaciones de personas con discapacidad?" },
	{ "es", "inclusion", "¿Qué medidas de rendición de cuentas y transparencia prefieren los donantes?" },
	{ "es", "regional", "¿Hay buenos ejemplos de cooperación sur-sur o de fondos regionales?" },
	{ "es", "regional", "¿Cómo promover el intercambio de experiencias y la capacitación de proveedores de servicios en la región?" },
	{ "es", "other", "Buenos días a todos y gracias por la invitación." },
	{ "es", "other", "No se escucha la interpretación, ¿pueden revisar el audio?" },
	{ "ar", "funding", "كيف نضمن تمويلاً مستداماً وطويل الأجل لخدمات إعادة التأهيل؟" },
	{ "ar", "funding", "ما الذي يجعل الدولة جذابة للجهات المانحة؟" },
	{ "ar", "first-steps", "ما هي الخطوات الأولى لطلب المساعدة؟" },
	{ "ar", "first-steps", "من أين نبدأ لتحديد فرص التعاون؟" },
	{ "ar", "innovation", "ما هي أمثلة الشراكات مع القطاع الخاص والمسؤولية الاجتماعية للشركات؟" },
	{ "ar", "innovation", "كيف ندمج مساعدة الضحايا في النظام الصحي والحماية الاجتماعية؟" },
	{ "ar", "rights", "كيف نضمن أن يحترم الاستثمار حقوق الإنسان ومبدأ عدم التمييز؟" },
	{ "ar", "rights", "كيف نضمن المساواة بين النساء والرجال في الوصول إلى الخدمات؟" },
	{ "ar", "inclusion", "كيف يمكن بناء القدرات لشبكات الناجين ومنظمات الأشخاص ذوي الإعاقة؟" },
	{ "ar", "inclusion", "ما هي إجراءات المساءلة والشفافية التي يقدرها المانحون؟" },
	{ "ar", "regional", "هل هناك أمثلة جيدة على التعاون بين بلدان الجنوب أو الصناديق الإقليمية؟" },
	{ "ar", "regional", "كيف نعزز تبادل الخبرات وتدريب مقدمي الخدمات في المنطقة؟" },
	{ "ar", "other", "السلام عليكم وشكراً على الدعوة." },
	{ "ar", "other", "لا أسمع الترجمة، هل يمكن التحقق من الصوت؟" },
};

/* Load the shipped sample event (from PODIUM_SAMPLE_DIR). */
static struct event_file *
load_sample(void)
{
	const char *dir = getenv("PODIUM_SAMPLE_DIR");
	struct event_file *ef;
	char path[4096], *cause = NULL;

	snprintf(path, sizeof path, "%s/sample-event.json",
	    dir != NULL ? dir : "sample-data");
	ef = event_load(path, &cause);
	if (ef == NULL)
		fail_msg("%s", cause);
	return ef;
}

/* Set up the sample event and its classifier for a group of tests. */
struct sample {
	struct event_file *ef;
	struct classify *c;
};

/* Group setup: the sample event and a classifier of it. */
static int
sample_setup(void **state)
{
	struct sample *s = calloc(1, sizeof *s);

	if (s == NULL)
		return -1;
	s->ef = load_sample();
	/* The keyword matcher alone: the labelled sets are its examples. */
	s->c = classify_create_learned(&s->ef->event, NULL, 0, NULL);
	*state = s;
	return 0;
}

/* Group teardown. */
static int
sample_teardown(void **state)
{
	struct sample *s = *state;

	classify_destroy(s->c);
	event_destroy(s->ef);
	free(s);
	return 0;
}

/* Clear questions of every theme in every language are recognised. */
static void
test_clear_questions(void **state)
{
	struct sample *s = *state;
	const struct clear *q;
	const char *got;
	double conf;
	size_t i;

	for (i = 0; i < sizeof clear_questions / sizeof clear_questions[0];
	    i++) {
		q = &clear_questions[i];
		got = classify_text(s->c, q->text, q->lang, &conf);
		if (strcmp(got, q->theme) != 0)
			fail_msg("[%s] %s: expected %s, got %s", q->lang, q->text,
			    q->theme, got);
		assert_true(conf >= 0.0 && conf <= 1.0);
		/* The language is a hint, not a requirement. */
		assert_string_equal(classify_text(s->c, q->text, NULL, NULL),
		    q->theme);
	}
}

/* The returned key is the event's own string, never a copy. */
static void
test_key_points_into_event(void **state)
{
	struct sample *s = *state;
	const struct model_event *ev = &s->ef->event;
	const char *got;
	size_t i;

	got = classify_text(s->c, "How do we get sustainable funding?", "en",
	    NULL);
	for (i = 0; i < ev->nthemes && ev->themes[i].key != got; i++)
		;
	assert_true(i < ev->nthemes);
	assert_string_equal(got, "funding");
}

/*
 * Empty, garbage and very long input: "other", no crash. The last
 * garbage (Latin) is left out for a learned model: its words begin like
 * words of the examples ("consec", "dolor"), which is evidence, however
 * weak (it gets inclusion at a confidence of 0.1).
 */
static void
check_unsure(const struct classify *c, bool learned)
{
	static const char *const garbage[] = {
		"", "   ", "?!?!...", "\xff\xfe\xfd\xfc", "12345 678",
		"qwerty asdf zxcv", "ـــــ", "\xcc\x81\xcc\x81", "x",
		"Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
	};
	size_t ngarbage = sizeof garbage / sizeof garbage[0] - learned;
	char *big;
	double conf;
	size_t i, n;

	for (i = 0; i < ngarbage; i++) {
		conf = -1.0;
		assert_string_equal(classify_text(c, garbage[i], "en",
		    &conf), "other");
		assert_true(conf >= 0.0 && conf <= 1.0);
	}
	assert_string_equal(classify_text(c, NULL, NULL, &conf), "other");
	assert_true(conf == 0.0);
	/* 4000 characters of nothing in particular. */
	big = malloc(100001);
	assert_non_null(big);
	memset(big, 'x', 4000);
	big[4000] = '\0';
	assert_string_equal(classify_text(c, big, "en", &conf), "other");
	for (n = 0; n + 3 <= 4000; n += 3)
		memcpy(big + n, "ab ", 3);
	big[n] = '\0';
	assert_string_equal(classify_text(c, big, "en", &conf), "other");
	/* 4000 Arabic harakat: every one dropped, nothing left. */
	for (n = 0; n + 2 <= 8000; n += 2)
		memcpy(big + n, "\xd9\x8e", 2);
	big[n] = '\0';
	assert_string_equal(classify_text(c, big, "ar", &conf), "other");
	/* A long preamble does not hide the question at the end. */
	for (n = 0; n + 4 <= 3900; n += 4)
		memcpy(big + n, "la, ", 4);
	strcpy(big + n, "sustainable long-term funding?");
	assert_string_equal(classify_text(c, big, "en", &conf),
	    "funding");
	/* Far past what is looked at: still an answer, and no overrun. */
	memset(big, 'a', 100000);
	big[100000] = '\0';
	for (n = 0; n + 5 <= 100000; n += 5)
		memcpy(big + n, "fund ", 5);
	assert_string_equal(classify_text(c, big, "en", &conf),
	    "funding");
	assert_true(conf >= 0.0 && conf <= 1.0);
	free(big);
}

/*
 * So does the classifier with the model learned from the sample's
 * examples: a text with nothing known in it goes to "other", not to the
 * first theme (all themes tie there).
 */
static void
test_unsure(void **state)
{
	struct sample *s = *state;
	struct classify *c = classify_create(&s->ef->event);

	check_unsure(s->c, false);
	assert_true(s->ef->event.nexamples > 0);
	check_unsure(c, true);
	classify_destroy(c);
}

/* The question's language: NULL, unknown, other case or region. */
static void
test_languages(void **state)
{
	struct sample *s = *state;
	const char *q = "Comment obtenir un financement durable ?";
	const char *q2 = "Comment obtenir un financement durable ? "
	    "Quels bailleurs ?";
	static const char *const langs[] = { "fr", "FR", "fr-CA", "xx", "en" };
	double conf_fr, conf;
	size_t i;

	classify_text(s->c, q, "fr", &conf_fr);
	assert_true(conf_fr > 0.0);
	for (i = 0; i < sizeof langs / sizeof langs[0]; i++)
		assert_string_equal(classify_text(s->c, q, langs[i], NULL),
		    "funding");
	assert_string_equal(classify_text(s->c, q, NULL, NULL), "funding");
	/* Said to be English, the French keywords count for less. */
	classify_text(s->c, q2, "fr", &conf_fr);
	classify_text(s->c, q2, "en", &conf);
	assert_true(conf < conf_fr);
	/* A lone false friend of another language is not enough: faire/fair. */
	assert_string_equal(classify_text(s->c, "Que faire ?", "fr", &conf),
	    "other");
	assert_true(conf >= 0.0 && conf <= 1.0);
}

/* Greetings around a real question do not take it over. */
static void
test_greetings_around_question(void **state)
{
	struct sample *s = *state;

	assert_string_equal(classify_text(s->c, "Thank you, Chair. How can "
	    "survivor networks be involved?", "en", NULL), "inclusion");
	assert_string_equal(classify_text(s->c, "Merci. Quelles sont les "
	    "premières mesures ?", "fr", NULL), "first-steps");
	assert_string_equal(classify_text(s->c, "Thank you, thank you, "
	    "thank you so much!", "en", NULL), "other");
}

/* Confidence grows with the evidence and the margin. */
static void
test_confidence(void **state)
{
	struct sample *s = *state;
	double strong, weak;

	classify_text(s->c, "How can we secure sustainable, predictable, "
	    "multi-year funding from donors?", "en", &strong);
	classify_text(s->c, "How can survivor networks access long-term "
	    "funding?", "en", &weak);
	assert_true(strong > 0.5 && strong <= 1.0);
	assert_true(weak >= 0.0 && weak < strong);
}

/* Without an "other" theme the last theme is the fallback; without any, "other". */
static void
test_fallback(void **state)
{
	static char *words[] = { "fund" };
	struct model_keywords kw = { "en", words, 1 };
	struct model_theme th[2] = {
		{ "funding", "Funding", &kw, 1 },
		{ "misc", "Miscellaneous", NULL, 0 },
	};
	struct model_event ev;
	struct classify *c;
	double conf;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.themes = th;
	ev.nthemes = 2;
	c = classify_create(&ev);
	assert_ptr_equal(classify_text(c, "more funds", "en", NULL),
	    th[0].key);
	assert_ptr_equal(classify_text(c, "hello", "en", &conf), th[1].key);
	assert_true(conf == 0.0);
	classify_destroy(c);
	ev.nthemes = 0;
	c = classify_create(&ev);
	assert_string_equal(classify_text(c, "more funds", "en", &conf),
	    "other");
	classify_destroy(c);
	classify_destroy(NULL);
}

/*
 * A model learned from a handful of labelled questions sends paraphrases
 * without a single keyword to their theme, where keywords alone give
 * "other"; an event without examples classifies as it did.
 */
static void
test_learned_paraphrase(void **state)
{
	static char *fund_words[] = { "fund", "donor" };
	static char *rights_words[] = { "discriminat" };
	static char *other_words[] = { "microphone" };
	struct model_keywords kw[3] = {
		{ "en", fund_words, 2 },
		{ "en", rights_words, 1 },
		{ "en", other_words, 1 },
	};
	struct model_theme th[3] = {
		{ "funding", "Funding", &kw[0], 1 },
		{ "rights", "Rights", &kw[1], 1 },
		{ "other", "Other", &kw[2], 1 },
	};
	static const struct model_example ex[] = {
		{ "en", 0, "Who will pay the salaries of our staff when the "
		  "project ends?" },
		{ "en", 0, "How do we cover rent and running costs next year?" },
		{ "en", 0, "Our staff salaries are paid until March only." },
		{ "en", 1, "Are amputees from road accidents treated the same "
		  "as mine survivors?" },
		{ "en", 1, "Do women in remote villages get the same services?" },
		{ "en", 2, "Hello from Geneva, thank you for the invitation." },
		{ "en", 2, "Will the slides be shared after the meeting?" },
		{ "en", 7, "An example of a theme the event does not have." },
	};
	static const char *const paraphrase[][2] = {
		{ "Who pays the salaries of the staff after March?", "funding" },
		{ "Do women get the same services as men in villages?",
		  "rights" },
		{ "Will you share the slides?", "other" },
		{ "How do donors fund it?", "funding" },
	};
	struct model_event ev;
	struct classify *kwo, *c, *d;
	double conf, conf2;
	size_t i;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.themes = th;
	ev.nthemes = 3;
	kwo = classify_create(&ev);
	c = classify_create_learned(&ev, ex, sizeof ex / sizeof ex[0], NULL);
	ev.examples = ex;
	ev.nexamples = sizeof ex / sizeof ex[0];
	d = classify_create(&ev);
	for (i = 0; i < sizeof paraphrase / sizeof paraphrase[0]; i++) {
		assert_string_equal(classify_text(c, paraphrase[i][0], "en",
		    &conf), paraphrase[i][1]);
		assert_true(conf > 0.0 && conf <= 1.0);
		/* The event's own examples are learned by classify_create. */
		assert_string_equal(classify_text(d, paraphrase[i][0], "en",
		    &conf2), paraphrase[i][1]);
		assert_true(conf == conf2);
	}
	/* Keywords alone find nothing in the first two. */
	assert_string_equal(classify_text(kwo, paraphrase[0][0], "en", &conf),
	    "other");
	assert_true(conf == 0.0);
	assert_string_equal(classify_text(kwo, paraphrase[1][0], "en", NULL),
	    "other");
	/* Empty text and an unknown language are no trouble. */
	assert_string_equal(classify_text(c, NULL, NULL, &conf), "other");
	assert_string_equal(classify_text(c, "", "xx", &conf), "other");
	assert_true(classify_size(c) > classify_size(kwo));
	classify_destroy(kwo);
	classify_destroy(c);
	classify_destroy(d);
}

/* The theme an event's title names is its topic: it needs more evidence. */
static void
test_topic(void **state)
{
	static char *fund_words[] = { "financ" };
	static char *rights_words[] = { "rights" };
	struct model_keywords kw[2] = {
		{ "en", fund_words, 1 }, { "en", rights_words, 1 },
	};
	struct model_theme th[3] = {
		{ "funding", "Funding", &kw[0], 1 },
		{ "rights", "Rights", &kw[1], 1 },
		{ "other", "Other", NULL, 0 },
	};
	struct model_event ev;
	struct classify *c;

	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.themes = th;
	ev.nthemes = 3;
	ev.title = "A meeting";
	c = classify_create(&ev);
	/* A tie goes to the theme listed first... */
	assert_string_equal(classify_text(c, "financing and rights", "en",
	    NULL), "funding");
	classify_destroy(c);
	ev.title = "Financing victim assistance";
	c = classify_create(&ev);
	/* ...unless it is what the whole event is about. */
	assert_string_equal(classify_text(c, "financing and rights", "en",
	    NULL), "rights");
	assert_string_equal(classify_text(c, "more financing", "en", NULL),
	    "funding");
	classify_destroy(c);
}

/* Counts of one language on a development set. */
struct tally {
	char lang[16];
	int n;
	int ok;
};

/* The path of a file of the sample directory. */
static void
sample_path(char *path, size_t size, const char *name)
{
	const char *dir = getenv("PODIUM_SAMPLE_DIR");

	snprintf(path, size, "%s/%s", dir != NULL ? dir : "sample-data", name);
}

/*
 * The accuracy on a labelled set of the sample directory stays at least
 * min overall and min_lang in each of its four languages. Each line holds
 * its theme, or, with a labels file (an object of id: theme), a question
 * as intake objects do; floor requests are passed over.
 */
static void
check_set(struct sample *s, const struct classify *c, const char *name,
    const char *labels_name, double min, double min_lang, int min_questions,
    int min_per_lang)
{
	struct tally t[8];
	char path[4096], *line = NULL;
	const char *lang, *theme, *text, *type;
	size_t cap = 0, nt = 0, i;
	int n = 0, ok = 0;
	json_t *o, *labels = NULL;
	FILE *f;

	memset(t, 0, sizeof t);
	if (labels_name != NULL) {
		sample_path(path, sizeof path, labels_name);
		labels = json_load_file(path, 0, NULL);
		if (!json_is_object(labels))
			fail_msg("cannot read %s", path);
	}
	sample_path(path, sizeof path, name);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	while (getline(&line, &cap, f) != -1) {
		o = json_loads(line, 0, NULL);
		assert_non_null(o);
		type = json_string_value(json_object_get(o, "type"));
		if (type != NULL && strcmp(type, "question") != 0) {
			json_decref(o);
			continue;
		}
		lang = json_string_value(json_object_get(o, "lang"));
		theme = labels == NULL ?
		    json_string_value(json_object_get(o, "theme")) :
		    json_string_value(json_object_get(labels,
		    json_string_value(json_object_get(o, "id"))));
		text = json_string_value(json_object_get(o, "text"));
		assert_non_null(lang);
		assert_non_null(theme);
		assert_non_null(text);
		assert_true(event_theme_index(&s->ef->event, theme) >= 0);
		for (i = 0; i < nt && strcmp(t[i].lang, lang) != 0; i++)
			;
		if (i == nt) {
			assert_true(nt < 8);
			snprintf(t[nt++].lang, sizeof t[0].lang, "%s", lang);
		}
		t[i].n++;
		n++;
		if (strcmp(classify_text(c, text, lang, NULL), theme) == 0) {
			t[i].ok++;
			ok++;
		}
		json_decref(o);
	}
	free(line);
	fclose(f);
	json_decref(labels);
	assert_true(n >= min_questions);
	assert_int_equal(nt, 4);
	for (i = 0; i < nt; i++) {
		assert_true(t[i].n >= min_per_lang);
		if ((double)t[i].ok / t[i].n < min_lang)
			fail_msg("%s %s: %d of %d right, below %.0f%%", name,
			    t[i].lang, t[i].ok, t[i].n, min_lang * 100);
	}
	if ((double)ok / n < min)
		fail_msg("%s: %d of %d right, below %.0f%%", name, ok, n,
		    min * 100);
}

/* The first development set's accuracy stays at what was reached. */
static void
test_dev_accuracy(void **state)
{
	check_set(*state, ((struct sample *)*state)->c, "themes-dev.jsonl", NULL, DEV_MIN_OVERALL,
	    DEV_MIN_LANG, DEV_MIN_QUESTIONS, DEV_MIN_PER_LANG);
}

/* So does the second's, written in other words than the first. */
static void
test_dev2_accuracy(void **state)
{
	check_set(*state, ((struct sample *)*state)->c, "themes-dev2.jsonl", NULL, DEV2_MIN_OVERALL,
	    DEV2_MIN_LANG, DEV_MIN_QUESTIONS, DEV_MIN_PER_LANG);
}

/* So does the shipped questions', a third writer's. */
static void
test_questions_accuracy(void **state)
{
	check_set(*state, ((struct sample *)*state)->c, "questions.jsonl", "questions-labels.json",
	    QUESTIONS_MIN_OVERALL, QUESTIONS_MIN_LANG,
	    QUESTIONS_MIN_QUESTIONS, QUESTIONS_MIN_PER_LANG);
}

/*
 * So does the fourth writer's, who wrote it without seeing the classifier
 * (scored once, blind, at 89.0% before the fourth round opened it).
 */
static void
test_holdout1_accuracy(void **state)
{
	check_set(*state, ((struct sample *)*state)->c, "themes-holdout1.jsonl", NULL, HOLDOUT1_MIN_OVERALL,
	    HOLDOUT1_MIN_LANG, HOLDOUT1_MIN_QUESTIONS, HOLDOUT1_MIN_PER_LANG);
}

/* Labelled examples read from sets of the sample directory. */
struct examples {
	struct model_example *v;
	size_t n;
};

/* Read the labelled sets named (NULL-terminated) as examples of s's event. */
static void
examples_read(struct sample *s, const char *const *names,
    struct examples *ex)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	json_t *o;
	FILE *f;

	memset(ex, 0, sizeof *ex);
	for (; *names != NULL; names++) {
		sample_path(path, sizeof path, *names);
		f = fopen(path, "r");
		if (f == NULL)
			fail_msg("cannot open %s", path);
		while (getline(&line, &cap, f) != -1) {
			o = json_loads(line, 0, NULL);
			assert_non_null(o);
			ex->v = realloc(ex->v, (ex->n + 1) * sizeof *ex->v);
			assert_non_null(ex->v);
			ex->v[ex->n].lang = strdup(json_string_value(
			    json_object_get(o, "lang")));
			ex->v[ex->n].text = strdup(json_string_value(
			    json_object_get(o, "text")));
			ex->v[ex->n].theme = event_theme_index(&s->ef->event,
			    json_string_value(json_object_get(o, "theme")));
			assert_true(ex->v[ex->n].theme >= 0);
			ex->n++;
			json_decref(o);
		}
		fclose(f);
	}
	free(line);
}

/* Free examples read by examples_read(). */
static void
examples_free(struct examples *ex)
{
	size_t i;

	for (i = 0; i < ex->n; i++) {
		free((char *)ex->v[i].lang);
		free((char *)ex->v[i].text);
	}
	free(ex->v);
}

/*
 * The sample event learns from all five labelled sets it names; with
 * them, the clear questions still get their themes.
 */
static void
test_learned_sample(void **state)
{
	struct sample *s = *state;
	struct classify *c;
	size_t i;

	assert_true(s->ef->event.nexamples >= 900);
	c = classify_create(&s->ef->event);
	for (i = 0; i < sizeof clear_questions / sizeof clear_questions[0]; i++)
		if (strcmp(classify_text(c, clear_questions[i].text,
		    clear_questions[i].lang, NULL),
		    clear_questions[i].theme) != 0)
			fail_msg("[%s] %s: not %s", clear_questions[i].lang,
			    clear_questions[i].text, clear_questions[i].theme);
	classify_destroy(c);
}

/*
 * Learned from four sets and the keywords, the model scores the fifth
 * writer's questions -- the paraphrasing blind set 5, and the blind set
 * 4 -- at least as measured, less two questions overall and one in a
 * language (docs/CLASSIFIER.md, leave one set out).
 */
static void
test_learned_left_out(void **state)
{
	static const char *const but5[] = {
		"themes-dev.jsonl", "themes-dev2.jsonl", "themes-questions.jsonl",
		"themes-holdout1.jsonl", NULL
	};
	static const char *const but4[] = {
		"themes-dev.jsonl", "themes-dev2.jsonl", "themes-questions.jsonl",
		"themes-holdout2.jsonl", NULL
	};
	struct sample *s = *state;
	struct examples ex;
	struct classify *c;

	examples_read(s, but5, &ex);
	c = classify_create_learned(&s->ef->event, ex.v, ex.n, NULL);
	check_set(s, c, "themes-holdout2.jsonl", NULL, LEARNED5_MIN_OVERALL,
	    LEARNED5_MIN_LANG, HOLDOUT1_MIN_QUESTIONS, HOLDOUT1_MIN_PER_LANG);
	classify_destroy(c);
	examples_free(&ex);
	examples_read(s, but4, &ex);
	c = classify_create_learned(&s->ef->event, ex.v, ex.n, NULL);
	check_set(s, c, "themes-holdout1.jsonl", NULL, LEARNED4_MIN_OVERALL,
	    LEARNED4_MIN_LANG, HOLDOUT1_MIN_QUESTIONS, HOLDOUT1_MIN_PER_LANG);
	classify_destroy(c);
	examples_free(&ex);
}

/*
 * The classifier as the console builds it scores the blind sets 6 and 7
 * as it did when they were scored once (docs/CLASSIFIER.md, Accuracy).
 */
static void
test_blind_sets(void **state)
{
	struct sample *s = *state;
	struct classify *c = classify_create(&s->ef->event);

	assert_true(s->ef->event.nexamples >= 900);
	check_set(s, c, "themes-holdout3.jsonl", NULL, BLIND_MIN_OVERALL,
	    BLIND_MIN_LANG, HOLDOUT1_MIN_QUESTIONS, HOLDOUT1_MIN_PER_LANG);
	check_set(s, c, "themes-holdout4.jsonl", NULL, BLIND_MIN_OVERALL,
	    BLIND_MIN_LANG, HOLDOUT1_MIN_QUESTIONS, HOLDOUT1_MIN_PER_LANG);
	classify_destroy(c);
}

/* Run the tests without the sample event, then those with it. */
int
main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_normalise_latin),
		cmocka_unit_test(test_normalise_arabic),
		cmocka_unit_test(test_normalise_spaces),
		cmocka_unit_test(test_normalise_limits),
		cmocka_unit_test(test_stemming),
		cmocka_unit_test(test_phrases),
		cmocka_unit_test(test_longest_wins),
		cmocka_unit_test(test_asked_sentence),
		cmocka_unit_test(test_other_shares_words),
		cmocka_unit_test(test_one_thing_counts_once),
		cmocka_unit_test(test_phrase_not_weakening),
		cmocka_unit_test(test_more_forms),
		cmocka_unit_test(test_topic),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_learned_paraphrase),
	};
	const struct CMUnitTest sample[] = {
		cmocka_unit_test(test_clear_questions),
		cmocka_unit_test(test_key_points_into_event),
		cmocka_unit_test(test_unsure),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_greetings_around_question),
		cmocka_unit_test(test_confidence),
		cmocka_unit_test(test_dev_accuracy),
		cmocka_unit_test(test_dev2_accuracy),
		cmocka_unit_test(test_questions_accuracy),
		cmocka_unit_test(test_holdout1_accuracy),
		cmocka_unit_test(test_learned_sample),
		cmocka_unit_test(test_learned_left_out),
		cmocka_unit_test(test_blind_sets),
	};
	int failed;

	failed = cmocka_run_group_tests_name("classify", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("classify-sample", sample,
	    sample_setup, sample_teardown);
	return failed;
}

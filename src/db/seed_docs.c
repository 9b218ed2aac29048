/* Demo assessments (DISC, type profile, 360 summary) and company documents
 * (OKRs, leadership team notes, engagement agreement), composed from the
 * demo entities so that they agree with the rest of the data set. */
#include "db/seed_data.h"

#include <string.h>

static const struct disc_style {
	char letter;
	const char *name, *summary, *pressure, *tips, *edge;
} disc_styles[] = {
    {'D', "Dominance",
     "{C} is direct, decisive and results-oriented. They move quickly, enjoy challenges and take "
     "charge when a situation is unclear. They are most motivated by winning, competition and "
     "visible impact.",
     "Under pressure {C} can become impatient and blunt, make decisions without enough input, and "
     "overlook how others are affected.",
     "Be brief and get to the point. Lead with the outcome and the options. Disagree with facts, "
     "not feelings. Give them room to decide.",
     "Slowing down to listen, asking for input before deciding, and recognising the contribution "
     "of more cautious colleagues."},
    {'I', "Influence",
     "{C} is enthusiastic, optimistic and persuasive. They build relationships quickly, energise "
     "groups and are at their best when collaborating and sharing ideas.",
     "Under pressure {C} can become disorganised, overpromise, and avoid delivering unwelcome news "
     "in order to stay liked.",
     "Make time for the relationship. Invite their ideas, then help them turn ideas into specifics "
     "with dates and owners. Put agreements in writing.",
     "Following through on commitments, giving candid feedback, and grounding enthusiasm in data."},
    {'S', "Steadiness",
     "{C} is patient, dependable and supportive. They create stability for their team, listen well "
     "and prefer cooperation to competition.",
     "Under pressure {C} can withdraw, avoid conflict, and quietly absorb extra work rather than "
     "say no.",
     "Give them time to process change and explain the why. Ask for their view directly; they may "
     "not volunteer it in a group. Be sincere.",
     "Speaking up earlier, embracing change, and setting boundaries on workload."},
    {'C', "Conscientiousness",
     "{C} is analytical, precise and quality-focused. They value accuracy and expertise, plan "
     "carefully and hold high standards for themselves and others.",
     "Under pressure {C} can become overly critical, over-analyse, and delay decisions while "
     "waiting for more data.",
     "Bring data and be prepared for detailed questions. Give them time to think. Be clear about "
     "standards and deadlines.",
     "Deciding with imperfect information, delegating without over-checking, and showing warmth "
     "alongside rigour."},
};

/* Index of the largest of four scores, skipping `skip` (-1 none). */
static int argmax4(const int *v, int skip)
{
	int best = skip == 0 ? 1 : 0;
	for (int i = 0; i < 4; i++)
		if (i != skip && v[i] > v[best])
			best = i;
	return best;
}

void seed_disc_report(seed_buf *b, seed_rng *r, const char *client, const char *coach,
                      const char *date, const char *goal)
{
	int s[4];
	char first[64];
	seed_first_name(client, first, sizeof first);
	seed_vars v = {.client = first};
	for (int i = 0; i < 4; i++)
		s[i] = 15 + (int)seed_rng_below(r, 81);
	int p = argmax4(s, -1), q = argmax4(s, p);
	const struct disc_style *ps = &disc_styles[p], *qs = &disc_styles[q];
	seed_buf_fmt(b, "DISC Profile: %s\nAssessment date: %s\nDebriefed by: %s\n\n", client, date,
	             coach);
	seed_buf_fmt(
	    b, "Scores (0-100): Dominance %d, Influence %d, Steadiness %d, Conscientiousness %d\n",
	    s[0], s[1], s[2], s[3]);
	seed_buf_fmt(b, "Primary style: %c (%s). Secondary style: %c (%s).\n\n", ps->letter,
	             ps->name, qs->letter, qs->name);
	seed_buf_str(b, "Working style\n");
	seed_fill(b, ps->summary, &v);
	seed_buf_str(b, " Their secondary style adds a second note: ");
	seed_fill(b, qs->summary, &v);
	seed_buf_str(b, "\n\nUnder pressure\n");
	seed_fill(b, ps->pressure, &v);
	seed_buf_fmt(b, "\n\nCommunicating with %s\n", first);
	seed_fill(b, ps->tips, &v);
	seed_buf_str(b, "\n\nGrowth edge\n");
	seed_fill(b, ps->edge, &v);
	if (goal && *goal)
		seed_buf_fmt(
		    b,
		    "\n\nLink to coaching goals\nThe profile is relevant to %s's goal of %s: "
		    "the strengths of the %s style help, and the pressure pattern above is "
		    "the one to watch.",
		    first, goal, ps->name);
}

static const struct pref {
	char letter;
	const char *name, *text;
} prefs[8] = {
    {'E', "Extraversion",
     "draws energy from interaction, thinks out loud and prefers to work through problems in "
     "conversation"},
    {'I', "Introversion",
     "draws energy from reflection, prefers to think before speaking and values focused, "
     "uninterrupted time"},
    {'S', "Sensing",
     "trusts concrete facts and experience, notices details and prefers practical, step-by-step "
     "plans"},
    {'N', "Intuition",
     "looks for patterns and possibilities, enjoys big-picture thinking and gets restless with "
     "routine detail"},
    {'T', "Thinking",
     "decides by logic and consistent principles, and values fairness through objectivity"},
    {'F', "Feeling",
     "decides by weighing values and the impact on people, and values harmony and appreciation"},
    {'J', "Judging", "likes closure, plans ahead and prefers decisions made and commitments kept"},
    {'P', "Perceiving",
     "keeps options open, adapts easily and is energised by last-minute pressure"},
};

void seed_type_report(seed_buf *b, seed_rng *r, const char *client, const char *coach,
                      const char *date, const char *goal)
{
	char first[64], code[5];
	const struct pref *chosen[4];
	int clarity[4];
	static const char *const words[] = {"slight", "moderate", "clear", "very clear"};
	seed_first_name(client, first, sizeof first);
	for (int i = 0; i < 4; i++) {
		chosen[i] = &prefs[2 * i + (int)seed_rng_below(r, 2)];
		clarity[i] = 5 + (int)seed_rng_below(r, 26);
		code[i] = chosen[i]->letter;
	}
	code[4] = '\0';
	seed_buf_fmt(
	    b, "Personality Type Profile (MBTI-style): %s\nCompleted: %s\nDebriefed by: %s\n\n",
	    client, date, coach);
	seed_buf_fmt(b, "Reported type: %s\n\n", code);
	for (int i = 0; i < 4; i++)
		seed_buf_fmt(b, "%s (%s preference, clarity %d of 30): %s %s.\n", chosen[i]->name,
		             words[clarity[i] / 8 > 3 ? 3 : clarity[i] / 8], clarity[i], first,
		             chosen[i]->text);
	seed_buf_fmt(
	    b,
	    "\nIn leadership\nAs an %s, %s is likely to lead by %s. Colleagues with "
	    "opposite preferences may experience this as %s.\n",
	    code, first,
	    code[2] == 'T' ? "setting clear logic and standards" : "building commitment and trust",
	    code[3] == 'J' ? "pressure to decide too early" : "a reluctance to close decisions");
	if (goal && *goal)
		seed_buf_fmt(
		    b,
		    "\nCoaching note\nType is a preference, not a limit. For the goal of %s, "
		    "we agreed to practise behaviours from the less preferred side: %s.",
		    goal,
		    code[0] == 'I' ? "speaking first in meetings" : "pausing before answering");
}

static const char *const strengths[] = {
    "deep expertise that others rely on",
    "calm in a crisis",
    "builds loyal, high-trust teams",
    "clear thinker who simplifies complex problems",
    "strong customer focus",
    "delivers on commitments",
    "generous mentor to junior colleagues",
    "brings energy and optimism to hard projects",
    NULL,
};

static const char *const comments[] = {
    "I always know where I stand with {C}, and I wish more leaders were this straightforward.",
    "{C} is at their best in a crisis; I'd like to see the same presence in the planning meetings.",
    "Sometimes decisions wait on {C} longer than they need to.",
    "{C} protects the team, occasionally at their own expense.",
    "I'd love more context on the why behind {C}'s priorities.",
    "{C} is the person I go to when something is truly stuck.",
    NULL,
};

void seed_360_report(seed_buf *b, seed_rng *r, const seed_client *c, const char *coach,
                     const char *date)
{
	char first[64];
	seed_first_name(c->name, first, sizeof first);
	seed_vars v = {.client = first};
	unsigned raters = 8 + seed_rng_below(r, 9);
	seed_buf_fmt(
	    b,
	    "Leadership 360 Summary: %s\nCompleted: %s\nRaters: %u (manager, peers, direct "
	    "reports)\nPrepared by: %s\n\nStrengths\n",
	    c->name, date, raters, coach);
	unsigned s0 = seed_rng_below(r, (unsigned)seed_count(strengths));
	unsigned s1 = (s0 + 1 + seed_rng_below(r, 3)) % (unsigned)seed_count(strengths);
	seed_buf_fmt(b, "- %s\n- %s\n\nDevelopment themes\n", strengths[s0], strengths[s1]);
	for (int i = 0; i < 3 && c->goals[i]; i++) {
		const seed_topic *t = seed_topic_find(c->goals[i]);
		if (t)
			seed_buf_fmt(b, "- %s: raters would like to see progress on %s.\n",
			             t->title, t->goal);
	}
	seed_buf_str(b, "\nSelected comments\n");
	unsigned k = seed_rng_below(r, (unsigned)seed_count(comments));
	for (int i = 0; i < 3; i++) {
		seed_buf_str(b, "- \"");
		seed_fill(b, comments[(k + (unsigned)i * 2) % seed_count(comments)], &v);
		seed_buf_str(b, "\"\n");
	}
	seed_buf_fmt(b,
	             "\nNext steps\n%s will share the themes with their manager and choose one "
	             "behaviour to work on in coaching over the next quarter.",
	             first);
}

/* Client of organization `org` number k (0-based), or NULL. */
static const seed_client *org_client(int org, int k)
{
	for (size_t i = 0; i < seed_nclients; i++)
		if (seed_clients[i].org == org && k-- == 0)
			return &seed_clients[i];
	return NULL;
}

void seed_okr_doc(seed_buf *b, const seed_org *o, const char *quarter)
{
	int idx = (int)(o - seed_orgs);
	seed_buf_fmt(b, "%s: Company OKRs, %s\n\n", o->name, quarter);
	seed_buf_str(
	    b, "These objectives and key results were agreed by the leadership team. Each key "
	       "result has a single owner and is reviewed every two weeks.\n");
	for (int i = 0; i < 3; i++) {
		const seed_client *owner = org_client(idx, i * 2);
		seed_buf_fmt(b, "\nObjective %d: %s\nOwner: %s%s%s\n", i + 1, o->objectives[i],
		             owner ? owner->name : "leadership team",
		             owner && owner->title ? ", " : "",
		             owner && owner->title ? owner->title : "");
		for (int k = 0; k < 3; k++)
			seed_buf_fmt(b, "  KR %d.%d: %s\n", i + 1, k + 1, o->key_results[i][k]);
	}
	seed_buf_str(b,
	             "\nScoring: 0.7 is a good result on a stretch key result; anything below 0.4 "
	             "is discussed at the leadership review.");
}

void seed_org_notes(seed_buf *b, const seed_org *o, int org_index, const char *coach,
                    const char *date)
{
	int counts[64] = {0};
	seed_buf_fmt(b, "Leadership team notes: %s\nPrepared by %s, %s\n\n%s\n\n", o->name, coach,
	             date, o->about);
	if (o->industry)
		seed_buf_fmt(b, "Industry: %s. ", o->industry);
	if (o->employee_count != SEED_MISSING && o->employee_count >= 1000)
		seed_buf_fmt(b, "Employees: about %d,%03d. ", o->employee_count / 1000,
		             o->employee_count % 1000);
	else if (o->employee_count != SEED_MISSING)
		seed_buf_fmt(b, "Employees: about %d. ", o->employee_count);
	if (o->headquarters)
		seed_buf_fmt(b, "Headquarters: %s.", o->headquarters);
	seed_buf_str(b, "\n\nLeaders in the coaching programme\n");
	for (size_t i = 0; i < seed_nclients; i++) {
		const seed_client *c = &seed_clients[i];
		if (c->org != org_index)
			continue;
		seed_buf_fmt(b, "- %s, %s", c->name, c->title ? c->title : "(title not recorded)");
		if (c->department)
			seed_buf_fmt(b, " (%s)", c->department);
		for (int g = 0; g < 3 && c->goals[g]; g++) {
			const seed_topic *t = seed_topic_find(c->goals[g]);
			if (!t)
				continue;
			seed_buf_fmt(b, g ? ", %s" : ": working on %s", t->goal);
			counts[t - seed_topics]++;
		}
		seed_buf_str(b, "\n");
	}
	seed_buf_str(b, "\nThemes across the team\n");
	for (int n = 0; n < 3; n++) {
		int best = -1;
		for (size_t t = 0; t < seed_ntopics; t++)
			if (counts[t] && (best < 0 || counts[t] > counts[best]))
				best = (int)t;
		if (best < 0)
			break;
		seed_buf_fmt(b, "- %s (%d leader%s)\n", seed_topics[best].title, counts[best],
		             counts[best] == 1 ? "" : "s");
		counts[best] = 0;
	}
	seed_buf_str(
	    b, "\nObservations\nThe team is capable and committed. The recurring pattern is that "
	       "senior leaders solve problems themselves instead of building the capacity of their "
	       "teams, which slows decisions as the organisation grows. Three-way meetings with "
	       "each leader's manager are planned for the middle of the engagement.");
}

void seed_agreement_doc(seed_buf *b, const seed_org *o, const char *company, const char *coach)
{
	seed_buf_fmt(b, "Coaching Engagement Agreement: %s and %s\n\n", company, o->name);
	seed_buf_fmt(
	    b,
	    "Purpose. %s provides one-to-one executive coaching to leaders at %s to support "
	    "the goals agreed with each leader and their manager.\n\n",
	    company, o->name);
	seed_buf_fmt(
	    b,
	    "Lead coach. %s coordinates the programme and is the contact for scheduling and "
	    "escalations.\n\n",
	    coach);
	seed_buf_str(
	    b,
	    "Format. Sessions of 50 to 60 minutes every two to three weeks, by video or in "
	    "person, for six months, with a midpoint and a final three-way review with the "
	    "leader's manager.\n\n"
	    "Confidentiality. What a leader says in coaching stays between the leader and the "
	    "coach. Session transcripts are private or coach-only. Assessments are shared with "
	    "the organization only with the leader's consent. Programme-level themes, without "
	    "names, are reported to the sponsor every quarter.\n\n"
	    "Data. Transcripts and notes are stored with visibility levels: private (the author "
	    "only), coach_only (the coach and the author), org_visible (members of the client "
	    "organization) and public. Leaders may ask for their data to be deleted at the end "
	    "of the engagement.\n\n"
	    "Cancellation. Sessions cancelled with less than 24 hours notice count as delivered.");
}

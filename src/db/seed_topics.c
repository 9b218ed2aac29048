/* The demo's conversation banks: per-topic turns of realistic coaching
 * dialogue plus generic openings and closings. Placeholders are expanded by
 * seed_fill(). Each topic keeps its own vocabulary so that search finds it. */
#include "db/seed_data.h"

#include <string.h>

const char *const seed_open_first[] = {
    "Welcome, {C}. Before we dive in, I'd love to hear what made you say yes to coaching right "
    "now, and what you hope will be different for you at {ORG} six months from now.",
    "Thanks for making the time, {C}. This is our first real working session, so let's start "
    "wherever feels most alive for you. What's been taking up the most space in your head this "
    "week?",
    "Good to finally sit down properly, {C}. I've read the intake notes, but I'd rather hear it in "
    "your words: what is the thing that, if it changed, would make the biggest difference in your "
    "role as {TITLE}?",
    NULL,
};

const char *const seed_open_next[] = {
    "Good to see you again, {C}. Last time we spent most of our hour on {PREV}. What's on your "
    "mind today?",
    "Hi {C}. Before we start, anything you want to report back from {PREV}? And then, what would "
    "make this session worth your time?",
    "Welcome back, {C}. I've been curious how things went after our conversation about {PREV}. "
    "Where would you like to begin?",
    "Hello {C}, thanks for being on time with everything going on. Quick check-in first: on a "
    "scale of one to ten, how's your energy? And what do you want to work on?",
    NULL,
};

const char *const seed_report_back[] = {
    "Quick update first. Last time I committed to this: \"{LAST}\" I did it, and it went better "
    "than I feared. Not perfect, but the sky didn't fall.",
    "On my action from last time, \"{LAST}\", I did about half. The first part was easy, then the "
    "week got away from me and I slipped back into old habits.",
    "I have to be honest: I didn't do what I said last time, \"{LAST}\" I had the time. I just "
    "kept finding reasons not to.",
    "I did it. Last session I said: \"{LAST}\" The surprising part was how little anyone pushed "
    "back.",
    NULL,
};

const char *const seed_learn_ask[] = {
    "What did you learn from that, about yourself or about the situation? And then, what do you "
    "want to work on today?",
    "Let's stay with that for a moment. What does it tell you? And where would you like to take "
    "today's session?",
    "Thank you for being straight about it. What's the lesson there, and what's most pressing for "
    "you today?",
    NULL,
};

const char *const seed_learning[] = {
    "I think the lesson is that the story in my head is usually worse than what actually happens. "
    "Today, though, I need to talk about something else.",
    "That I need to put these things in my calendar, or they simply don't happen. Anyway, there's "
    "something new this week.",
    "That I avoid things that make me feel exposed. Which connects to what I want to bring today.",
    NULL,
};

const char *const seed_goal_link[] = {
    "When we started, you named {GOAL} as one of your coaching goals. How does what you're "
    "describing connect to that?",
    "I want to connect this back to your goal around {GOAL}. Where do you see the link?",
    "Let me pause us for a second. You told me {GOAL} matters most to you this year. Is this part "
    "of that story or a different one?",
    NULL,
};

const char *const seed_goal_reply[] = {
    "It's connected more than I'd like to admit. Every time I avoid this, I'm choosing the "
    "short-term comfort over the thing I said I wanted to get better at.",
    "Honestly, it's the same pattern showing up in a new place. If I can get this right, it's "
    "probably the clearest evidence of progress on {GOAL} I could ask for.",
    "I hadn't linked them, but you're right. It's the same muscle. I just didn't recognise it "
    "because the setting is different.",
    NULL,
};

const char *const seed_ask_commit[] = {
    "So what will you do between now and our next session? Be as specific as you can: what, with "
    "whom, and by when.",
    "Let's make it concrete. What's one action you're willing to commit to this week, and how will "
    "you know you've done it?",
    "What's the smallest step that would still feel like real progress? And what might get in the "
    "way of it?",
    NULL,
};

const char *const seed_close_coach[] = {
    "That sounds like a solid plan. Send me a short note after you've done it, and we'll pick it "
    "up from there next time.",
    "I like that you've made it specific. Notice what happens in you when you do it; that's the "
    "data we'll look at together.",
    "Good. Before we finish: what's one thing you're taking away from today?",
    "Thank you, {C}. You did some real thinking today. Let's hold the same time in two weeks.",
    NULL,
};

const char *const seed_close_client[] = {
    "Thanks, {K}. This helped more than I expected. I'll let you know how it goes.",
    "I'll put it in my calendar right now so it actually happens. Thanks, {K}.",
    "That I don't have to solve this alone or all at once. Talk soon, {K}.",
    "Same time works. Thanks for pushing me on the specifics.",
    NULL,
};

const char *const seed_peers[] = {
    "Priya", "Marcus", "Elena", "Tom",  "Grace", "Dev", "Hannah", "Luis", "Sofia",
    "Ken",   "Rachel", "Omar",  "Ines", "Jonah", "Mei", "Carlos", NULL,
};

const char *const seed_first_names[] = {
    "James",  "Maria",  "Wei",    "Fatima", "Lukas", "Aisha", "Mateo", "Yuki",  "Noah",
    "Amara",  "Oliver", "Sofia",  "Ravi",   "Chloe", "Diego", "Hana",  "Ethan", "Leila",
    "Samuel", "Ingrid", "Kwame",  "Elena",  "Arjun", "Nora",  "Tariq", "Grace", "Jonas",
    "Mina",   "Paolo",  "Zara",   "Daniel", "Keiko", "Omar",  "Freya", "Tomás", "Nadia",
    "Liam",   "Ayesha", "Viktor", "Alice",  NULL,
};

const char *const seed_last_names[] = {
    "Smith",     "Garcia",  "Chen",     "Okafor", "Müller",    "Khan",    "Rossi",
    "Tanaka",    "Johnson", "Mensah",   "Brown",  "Silva",     "Patel",   "Dubois",
    "Hernández", "Kim",     "Wilson",   "Haddad", "Cohen",     "Larsen",  "Owusu",
    "Novak",     "Sharma",  "Kowalski", "Nguyen", "Andersson", "Ibrahim", "Fischer",
    "Moreau",    "O'Brien", "Yamamoto", "Costa",  "Lindqvist", "Adeyemi", "Ferrari",
    "Petrov",    "Walsh",   "Reyes",    "Bauer",  "Singh",     NULL,
};

const char *const seed_titles[] = {
    "VP of Engineering",
    "Director of Product",
    "Head of Sales",
    "Chief Financial Officer",
    "Engineering Manager",
    "Senior Product Manager",
    "Director of Operations",
    "Head of People",
    "General Counsel",
    "Chief Marketing Officer",
    "Regional Sales Director",
    "Head of Data",
    "Customer Success Lead",
    "Plant Manager",
    "Chief Technology Officer",
    "Program Director",
    NULL,
};

const char *const seed_departments[] = {
    "Engineering", "Product",   "Sales", "Finance",          "Operations", "People",
    "Legal",       "Marketing", "Data",  "Customer Success", NULL,
};

const char *const seed_industries[] = {
    "Technology", "Healthcare", "Financial Services", "Manufacturing", "Media", "Retail",
    "Energy",     "Education",  "Logistics",          "Biotechnology", NULL,
};

const char *const seed_timezones[] = {
    "America/New_York",    "America/Chicago",  "America/Denver",
    "America/Los_Angeles", "Europe/London",    "Europe/Berlin",
    "Asia/Singapore",      "Australia/Sydney", NULL,
};

const seed_topic seed_topics[] = {
    {"delegation",
     "Delegation and letting go",
     "delegating effectively",
     {"delegation", "leadership", "capacity"},
     {"I'm drowning, {K}. My team has grown to {TEAM} people and I'm still the one reviewing every "
      "pull request and rewriting every customer email before it goes out. I know I should "
      "delegate more, but every time I hand something off it comes back at seventy percent and I "
      "end up redoing it at eleven at night.",
      "The honest version is that I don't trust anyone else to do the quarterly planning deck. "
      "{PEER} offered to take it over and I said no thanks, I've got it. Then I spent my whole "
      "weekend on it. My manager asked why I'm the bottleneck on three projects.",
      "I've been told in my review that I need to delegate and operate at a higher altitude. I get "
      "it intellectually. But when I try to hand off work, I end up hovering, checking in every "
      "hour, and my team says it feels like micromanagement.",
      NULL},
     {"What's the story you tell yourself about what happens if someone else does it at seventy "
      "percent?",
      "If you could only keep three things on your plate as {TITLE}, which three would they be, "
      "and who could own the rest?",
      "When you delegate, how clear are you about the outcome versus the method? What do you "
      "actually hand over?",
      "What would {PEER} need from you to be able to own the planning deck end to end, including "
      "the decisions?",
      "What does it cost you, and what does it cost your team, when you take the work back?"},
     {"That I'll look bad. That the work will reflect on me and someone senior will notice the "
      "gap. Saying it out loud, it sounds a bit fragile, but that's the truth of it.",
      "Probably the hiring plan, the roadmap tradeoffs, and the relationship with the two big "
      "accounts. Everything else, if I'm honest, could be owned by someone on my team, maybe not "
      "as polished at first.",
      "I hand over the task but keep the decisions. So people come back to me for every small "
      "call, and then I feel like they're not taking ownership. It's a loop I created.",
      "Context, mostly. The history of why we made certain bets, and permission to make a call I "
      "might disagree with. I've never actually given anyone that permission.",
      "For me it's nights and weekends. For them, I think it tells them I don't trust them. {PEER} "
      "basically said that last week, and it stung."},
     {"I'm hearing that delegating the task is easy for you; delegating the decision is the hard "
      "part. That's a useful distinction.",
      "It sounds like your standard of quality is doing two jobs: protecting the work, and "
      "protecting your sense of being indispensable.",
      "What if seventy percent done by someone who owns it is worth more than a hundred percent "
      "done by you at midnight?"},
     {"I could write down the outcome and the constraints for the deck, agree on two checkpoints "
      "with {PEER}, and then stay out of it in between. Or I could pair on the first one and hand "
      "over the second completely.",
      "One option is a simple delegation ladder: for each project, say whether I'm deciding, we're "
      "deciding together, or they decide and inform me. Making it explicit would stop the "
      "hovering.",
      "I could block my review time to one slot a day instead of reacting to every request. That "
      "forces the team to make more calls without me."},
     {"I'll hand the quarterly planning deck to {PEER} on Monday with a one-page brief of the "
      "outcome, two checkpoints, and explicit authority to make the layout and narrative calls.",
      "I'm going to write my delegation ladder for the top five projects and share it with the "
      "team at Thursday's staff meeting, so everyone knows who decides what.",
      "This week I'll stop rewriting customer emails. If something's off, I'll give feedback on it "
      "instead of fixing it myself, and I'll track how often I'm tempted."}},

    {"feedback",
     "Giving hard feedback",
     "giving candid feedback",
     {"feedback", "communication", "performance"},
     {"I have to give {PEER} some tough feedback and I keep putting it off. Their work on the "
      "migration project has slipped three times, and the rest of the team is starting to quietly "
      "pick up the slack. I'm worried that if I say something, they'll get defensive and the "
      "relationship will break.",
      "My own manager told me my feedback is too soft. Apparently I wrap every criticism in so "
      "much praise that people leave my one-on-ones thinking everything is fine. Then the "
      "performance review surprises them.",
      "We have a performance review cycle coming up in {Q} and I have two people on my team who "
      "are not meeting the bar. I've never written a review that says that clearly. I'm dreading "
      "it.",
      NULL},
     {"What have you actually said to {PEER} so far, word for word if you can remember?",
      "What makes candid feedback feel risky for you? What do you imagine will happen?",
      "If you were in {PEER}'s seat, how would you want to hear this?",
      "What's the specific behaviour and its impact? Can you say it in two sentences, without "
      "adjectives?",
      "How much of the discomfort is about them, and how much is about being seen as the bad guy?"},
     {"Word for word? Something like, 'Hey, the timeline's a bit tight, anything I can do to "
      "help?' Which is not feedback at all. It's me offering to do their job.",
      "I think I'm afraid of the silence after I say it. Of them looking hurt. I grew up in a "
      "family where you didn't say the hard thing, you just went quiet.",
      "I'd want it straight, honestly. I'd want to know early, not in a review. I'd be annoyed if "
      "I found out people had been covering for me for a month.",
      "The migration milestones slipped three times without a heads-up, and two teammates worked "
      "late to cover it. That's it, really. It's clearer when I take the adjectives out.",
      "More than half is about me. I like being the manager people like. Which is a real thing, "
      "but it's not my job."},
     {"You just did something important: you separated the behaviour from the judgement. That's "
      "most of what makes feedback land.",
      "It sounds like kindness and clarity have become opposites for you. What if the clear thing "
      "is the kind thing here?",
      "I notice your voice changed when you said the two-sentence version. It sounded steady. "
      "That's the voice to bring into the room."},
     {"I could use the situation, behaviour, impact structure and then ask a genuine question, "
      "like what's getting in the way. That keeps it a conversation, not a verdict.",
      "I could talk to {PEER} this week instead of waiting for the review, so the review just "
      "confirms something we've already discussed.",
      "For the two reviews, I could draft the hardest sentence first and build the rest around it, "
      "and ask HR to read it for tone."},
     {"I'll have the conversation with {PEER} on Wednesday, in person, using the two sentences we "
      "worked out, and then I'll ask what support they need and shut up and listen.",
      "I'm going to write both performance reviews this week, starting with the hard sentence, and "
      "review them with my HR partner before Friday.",
      "In my next three one-on-ones I'll give one piece of direct feedback each, no sandwich, and "
      "note how people actually react versus what I feared."}},

    {"strategy",
     "Strategic thinking and prioritisation",
     "strategic thinking",
     {"strategy", "prioritisation", "vision"},
     {"The board wants a three-year strategy from our group by the end of {Q}, and I'm realising "
      "I've spent my whole career as an executor. I'm great at shipping the plan. I've never been "
      "the one writing it. I stare at a blank page and end up making a list of projects.",
      "Everything on our roadmap is a priority one. Sales wants features for the big deals, the "
      "CEO wants the platform rewrite, and my team wants to pay down tech debt. I keep saying yes "
      "and we keep missing everything.",
      "My feedback says I'm too in the weeds and need to think more strategically. I'm not even "
      "sure what that means in practice. What do strategic people actually do all day that I "
      "don't?",
      NULL},
     {"If you zoom out three years, what has to be true about {ORG} for your group to have been a "
      "success?",
      "What are you choosing not to do? A strategy that doesn't say no to anything is a wish list.",
      "Where do you get your information about the market and your customers? How much of your "
      "week is spent looking outward?",
      "Which of these priorities would your CEO trade for which? Have you ever asked the question "
      "that directly?",
      "What would it look like to spend two hours a week on thinking, not doing? What would you "
      "need to protect that time?"},
     {"That we stopped being a cost centre and became the reason customers renew. Right now we're "
      "measured on uptime and tickets closed, and nobody renews because of uptime.",
      "I've never written down a no. Everything goes on the list with a lower priority, which in "
      "practice means it stays on the list and drains attention forever.",
      "Almost none. I read our dashboards, but I haven't talked to a customer in two months. "
      "Everything I know about the market is second-hand from sales.",
      "No. I assume I know the answer, and I'm afraid if I ask I'll get told everything matters. "
      "But maybe forcing the trade-off is exactly my job.",
      "I'd have to block it and treat it like a customer meeting. And I'd probably have to leave "
      "my laptop in the other room, because I'll just start answering email."},
     {"I'm noticing that strategy for you has been a document, but what you're describing is a set "
      "of choices and the conversations that force them.",
      "It sounds like the strategic muscle you want isn't about being smarter; it's about making "
      "room for the questions you've been too busy to ask.",
      "Saying no to a good thing is the hardest part of strategy. You've just named the place "
      "where you've been avoiding it."},
     {"I could frame the three-year plan as three bets and write one page per bet, with what we'd "
      "stop doing for each. That's more honest than a project list.",
      "I could take the three competing priorities to the CEO with a recommendation and explicit "
      "trade-offs, and ask for a decision instead of blessing all of them.",
      "I could set up five customer conversations before the offsite, so the strategy starts from "
      "the outside in rather than from our backlog."},
     {"I'll block Tuesday mornings for strategy, starting this week, and draft the three bets on "
      "one page each before our next session.",
      "I'll book thirty minutes with the CEO to walk through the trade-offs and ask for an "
      "explicit decision on what gets deprioritised in {Q}.",
      "I'm going to talk to five customers in the next two weeks and bring what I learn into the "
      "strategy draft."}},

    {"burnout",
     "Burnout and energy",
     "sustainable energy and avoiding burnout",
     {"burnout", "wellbeing", "resilience"},
     {"I'll be honest, I'm exhausted. I've been working sixty-hour weeks since the reorg, I'm "
      "sleeping badly, and last Sunday I snapped at my kids over nothing. I used to love this job. "
      "Now I wake up with my stomach in a knot before I've even opened my laptop.",
      "I think I'm burning out. I can't focus for more than twenty minutes, I'm forgetting things "
      "in meetings, and I cancelled my holiday again because of the launch. Everyone around me "
      "seems to be coping fine, which makes it worse.",
      "My doctor told me my blood pressure is up and asked about stress. I laughed it off, but on "
      "the drive home I realised I can't remember the last weekend I didn't check email.",
      NULL},
     {"What would your body say about the last three months if it could talk?",
      "Which parts of your week give you energy, and which drain it? Let's map it honestly.",
      "What are you afraid would happen if you worked forty-five hours instead of sixty?",
      "Who knows how you're really doing? At work and at home?",
      "When you cancelled the holiday, who asked you to? Or did you decide it on your own?"},
     {"It would say, you're running on adrenaline and caffeine and you've been ignoring every "
      "warning light. My shoulders have been up near my ears since spring.",
      "The one-on-ones with my team still give me energy, and the customer visits. The drain is "
      "the status meetings and the late-night Slack threads. Those are most of my week now.",
      "That someone will notice and decide I'm not up to the job. That the reorg was a test and "
      "I'm failing it. Which, written down, is not a reason to wreck my health.",
      "Nobody at work. My partner knows some of it. I've been performing being fine so well that "
      "I'm not sure anyone would believe me if I said I'm not.",
      "Nobody asked. I decided on my own that it would look bad to be away during the launch. My "
      "manager actually told me to take it."},
     {"I'm hearing that a lot of this pressure is self-imposed, driven by a story about being "
      "tested. That's important, because it means some of it is within your control.",
      "Burnout isn't a character flaw; it's a signal that the load and the recovery are out of "
      "balance for too long. Your body is keeping score.",
      "You said you've been performing being fine. That's a second job on top of the first one, "
      "and it's exhausting in its own right."},
     {"I could protect two evenings a week with no laptop at all, and tell my team that I won't "
      "answer Slack after seven unless something is on fire.",
      "I could talk to my manager about the load honestly and ask which of my eight commitments "
      "could move to someone else or to next quarter.",
      "I could rebook the holiday, even if it's only a long weekend, and actually switch my phone "
      "off."},
     {"I'm going to rebook the long weekend for the end of the month and set an out-of-office that "
      "doesn't apologise, and I'll tell my manager today.",
      "Starting tonight, no email after seven and a thirty-minute walk at lunch. I'll keep a "
      "simple log of sleep and energy so we can look at it together.",
      "I'll book the follow-up with my doctor and have the honest conversation with my manager "
      "about load before the next planning cycle."}},

    {"peer_conflict",
     "Conflict with a peer",
     "working through conflict with peers",
     {"conflict", "relationships", "collaboration"},
     {"I have a real problem with {PEER}, who runs the team next to mine. In the leadership "
      "meeting on {DAY}, they said my group was the reason the launch slipped, in front of the "
      "CEO, with no warning. I was furious. We haven't spoken since, and our teams are picking up "
      "on it.",
      "There's this constant friction with {PEER}. We share engineers, and every sprint becomes a "
      "negotiation where they escalate to our boss instead of talking to me. I've started avoiding "
      "them in the hallway, which I know is childish.",
      "{PEER} and I both want the regional director job, and it's poisoning everything. Every time "
      "I propose something, they poke holes in it, and I catch myself doing the same to them.",
      NULL},
     {"What do you think {PEER} wants that they're not getting?",
      "If you set aside who's right for a moment, what's the cost of this conflict to your teams "
      "and to {ORG}?",
      "What part of this conflict is yours? Not the blame, the part you could change.",
      "How would you describe {PEER} at their best? Have you seen that version?",
      "What would a conversation look like that you'd be proud of six months from now, whatever "
      "the outcome?"},
     {"Probably credibility with the CEO. Their team has had a rough year, and maybe blaming us "
      "was a way to not be the one in trouble. That doesn't excuse it, but it makes it less "
      "personal.",
      "It's slowing everything down. The engineers get mixed messages, and I heard two of my "
      "people are updating their CVs because the politics are wearing them out.",
      "I went silent instead of saying something in the room. And since then I've been telling my "
      "version of the story to anyone who will listen, which is just making camps.",
      "Honestly, they're brilliant in a crisis. When the outage hit in spring, {PEER} was the "
      "calmest person on the call. I respected them a lot then.",
      "One where I say what I saw and how it affected me, without attacking, and where I actually "
      "ask what's going on for them. And where we agree how to disagree in front of the CEO."},
     {"I notice you moved from anger to curiosity in the last few minutes. That shift is exactly "
      "what makes a hard conversation workable.",
      "Conflict between peers at your level is rarely about the issue on the table; it's usually "
      "about status, trust or scarce resources. It sounds like all three are here.",
      "You named the part that's yours very cleanly. Owning that first will make it much easier "
      "for {PEER} to own theirs."},
     {"I could ask {PEER} for coffee, outside the office, and open by acknowledging I went silent "
      "and started making camps. Then say what I need going forward.",
      "We could agree on a simple rule: no escalation about shared engineers until the two of us "
      "have talked first, and a fifteen-minute weekly sync to make that real.",
      "I could ask our boss to stop being the referee and to push both of us to resolve it "
      "ourselves, with a clear decision rule when we can't."},
     {"I'll invite {PEER} for coffee this week and open with what I own, then describe the "
      "leadership meeting and its impact using facts, and propose a weekly sync.",
      "I'm going to stop retelling the story to my team. If it comes up, I'll say we're working it "
      "out directly.",
      "After the conversation I'll write down what we agreed and send it to {PEER} so we both have "
      "the same version."}},

    {"promotion",
     "Preparing for a promotion",
     "readiness for promotion",
     {"career", "promotion", "visibility"},
     {"There's a director role opening up in {Q} and my manager hinted I should go for it. Part of "
      "me is thrilled and part of me is terrified. I don't know if I'm ready, and I don't know how "
      "to make the case without sounding arrogant.",
      "I was passed over for promotion again. The feedback was that I'm excellent at my job but "
      "not yet operating at the next level. Nobody can tell me concretely what that means, and I'm "
      "starting to feel stuck.",
      "I just got promoted to {TITLE}, which I wanted for years, and now I feel like I'm faking "
      "it. My old peers report to me, and the meetings I'm in now move at a completely different "
      "level.",
      NULL},
     {"What does operating at the next level look like at {ORG}? Who does it well, and what do "
      "they do differently?",
      "Who decides on this promotion, and what do they need to see and hear about your work?",
      "What are you already doing that's at the next level but nobody sees?",
      "If you got the role tomorrow, what would you stop doing that you do today?",
      "What would you say about your readiness if you were sponsoring someone else with your track "
      "record?"},
     {"The directors I admire spend less time on answers and more time on framing the problem for "
      "other people. They set direction and then let their teams run.",
      "My manager, but really the promotion committee, and half of them have never seen my work "
      "directly. That's a visibility problem, not a performance problem.",
      "I mentor three people on other teams and I basically rewrote our hiring process. I never "
      "mention either because it feels like bragging.",
      "The hands-on technical reviews. I love them, but they're my comfort zone. At the next level "
      "I'd have to trust the leads to do them.",
      "I'd say she's ready and we should stop moving the goalposts. It's funny how much easier "
      "that is to say about someone else."},
     {"It sounds like the gap isn't capability but visibility and a story about your impact that "
      "others can repeat.",
      "I'm noticing that you hold yourself to a standard of being completely ready before you step "
      "up. Most people who get promoted grow into the role after they get it.",
      "Making your impact visible isn't bragging; it's giving the people who decide the "
      "information they need to do their job."},
     {"I could write a one-page impact summary for the last year and walk my manager through it, "
      "and ask them directly what the committee needs to see.",
      "I could ask for a stretch assignment this quarter that's visibly at director level, like "
      "leading the cross-team planning.",
      "I could find a sponsor on the committee and ask for thirty minutes of their advice about "
      "the promotion case."},
     {"I'll draft the impact summary this week and book a meeting with my manager to ask "
      "explicitly what the promotion case needs and who I should talk to.",
      "I'm going to volunteer to lead the {Q} cross-team planning and tell my manager that's part "
      "of my promotion case.",
      "I'll ask one committee member for a mentoring conversation before the end of the month."}},

    {"managing_up",
     "Managing up",
     "managing up and influencing senior leaders",
     {"managing up", "influence", "stakeholders"},
     {"My new boss is very different from my last one. She wants updates in three bullet points "
      "and gets impatient when I give context. Yesterday she cut me off halfway through a "
      "presentation and asked what I wanted from her. I didn't have an answer.",
      "I keep getting surprised by decisions from above. The CEO announced a priority change in "
      "the all-hands that completely affects my team, and I found out at the same time as everyone "
      "else. I feel like I'm managing down well and managing up badly.",
      "My manager is overloaded and cancels our one-on-ones about half the time. I have decisions "
      "waiting on him and I don't want to be the person who nags, so I just wait.",
      NULL},
     {"What does your boss care about most right now? What keeps her up at night?",
      "When you go into a meeting with your manager, what is the ask? Can you say it in one "
      "sentence?",
      "How does your manager prefer to receive information, and how do you prefer to give it? "
      "Where's the gap?",
      "What would it look like to treat your manager as a stakeholder you need to influence, "
      "rather than an authority you report to?",
      "What have you not asked for because you didn't want to be a burden?"},
     {"Hitting the revenue number and not being surprised in front of the board. Which I know, but "
      "I've been giving her my problems instead of framing them around her problems.",
      "I usually don't have one. I bring updates and hope she'll tell me what she thinks. No "
      "wonder she asks what I want.",
      "She wants the headline and the decision. I want to show my work so she trusts the "
      "conclusion. We've been talking past each other.",
      "It would mean I'd prepare for our one-on-ones like I prepare for a customer meeting. I'd "
      "know what I need and what she needs before I walk in.",
      "A seat in the planning meeting where priorities get set. I assumed I'd be invited if they "
      "wanted me, but maybe I need to ask."},
     {"You've been waiting to be asked, and your manager has been waiting to be told. Managing up "
      "often means going first.",
      "Framing your update around her priorities is not playing politics; it's translating your "
      "work into the language of the level above you.",
      "It sounds like the decisions you're surprised by are made in rooms you haven't asked to be "
      "in."},
     {"I could open every one-on-one with the decision I need and the recommendation, then the "
      "context only if she asks for it.",
      "I could send a short weekly note on Fridays: three bullets on progress, one risk, one ask. "
      "Then the one-on-one is for the conversation, not the status.",
      "I could ask directly to be part of the planning meeting, explaining how the last priority "
      "change hit my team and how I could help avoid that."},
     {"I'll start the Friday note this week: three bullets, one risk, one ask, and I'll ask her "
      "after two weeks whether the format works.",
      "In our next one-on-one I'll lead with the decision I need on the vendor contract, with my "
      "recommendation, in under a minute.",
      "I'll email my manager today asking to join the quarterly planning meeting, with a "
      "one-paragraph reason."}},

    {"hiring",
     "Hiring and building the team",
     "building a strong team",
     {"hiring", "team building", "talent"},
     {"I have five open roles and I've been interviewing for three months. Either the candidates "
      "aren't right or we lose them at the offer stage. Meanwhile my team is stretched thin and "
      "I'm covering two of the vacant roles myself.",
      "I made a bad hire last year. A senior engineer who interviewed brilliantly but couldn't "
      "collaborate, and it took me six months to admit it and let them go. Now I'm so cautious "
      "that I say no to everyone.",
      "We're about to double the team, from {TEAM} to almost twice that, and I'm worried we'll "
      "lose the culture that made us good. I don't know how to hire fast without hiring wrong.",
      NULL},
     {"What does a great hire for this role actually do in their first ninety days? Can you "
      "describe it concretely?",
      "Where in your process do you lose the candidates you want, and what do they tell you when "
      "they decline?",
      "What did the bad hire teach you, and what is it now stopping you from doing?",
      "Who else on your team could own part of the hiring process?",
      "What is the culture you want to protect, in behaviours, not adjectives?"},
     {"Ships something small in the first month, builds trust with the product team, and by day "
      "ninety is reviewing other people's designs. I've never written that down; the job "
      "description is a list of technologies.",
      "At the offer. Two of them said the process took too long and they'd accepted elsewhere. We "
      "have six interview rounds. That's on us.",
      "To check references properly and to test for collaboration, not just skill. But it's also "
      "made me look for reasons to say no, which is a different problem.",
      "{PEER} would be great at running the technical interviews and honestly enjoys it. I've kept "
      "hiring to myself because it felt too important to share.",
      "We say what we think in meetings, we help each other without keeping score, and we own our "
      "mistakes in public. Those are behaviours I can interview for."},
     {"It sounds like the caution from one bad hire has turned into a bar no one can clear. Good "
      "judgement and fear can look very similar from the inside.",
      "Writing down what success looks like at ninety days turns hiring from a gut feeling into "
      "something you can share with other interviewers.",
      "Culture doesn't survive on its own when a team doubles; it survives when the people who "
      "carry it are the ones doing the hiring."},
     {"I could cut the process to four rounds with a clear purpose for each, and commit to an "
      "offer within a week of the final interview.",
      "I could write a ninety-day success profile for each role and train {PEER} and two others as "
      "interviewers against it.",
      "I could add a structured collaboration exercise and proper reference calls, so I can trust "
      "a yes instead of hunting for a no."},
     {"I'll rewrite the two senior job descriptions as ninety-day success profiles by Friday and "
      "share them with the interview panel.",
      "I'm going to redesign the process down to four rounds and ask {PEER} to own the technical "
      "interview starting next week.",
      "I'll define the three culture behaviours as interview questions and use them in every "
      "interview this month."}},

    {"remote_teams",
     "Leading a remote team",
     "leading distributed teams",
     {"remote work", "distributed teams", "engagement"},
     {"Half of my team is remote now, spread across four time zones, and I can feel it fraying. "
      "The people in the office get more of my attention and the remote folks are quieter every "
      "week. One of my best engineers told me she feels invisible.",
      "Our engagement survey came back and the remote part of the team scored us badly on "
      "communication and belonging. I thought we were doing fine. We have a daily stand-up on "
      "video and a chat channel that never stops.",
      "I manage a team of {TEAM} across three continents and there's no time in the day when "
      "everyone is awake. Decisions get made in whichever time zone is online, and the others feel "
      "left out.",
      NULL},
     {"How do decisions get made on your team today, and who's in the room, literally or "
      "virtually, when they do?",
      "What would belonging look like for someone who has never met the team in person?",
      "Which of your rituals were designed for the office and just moved onto video?",
      "How do you know how a remote team member is really doing?",
      "What would change if you ran the team as if everyone were remote, including you?"},
     {"Mostly in the hallway or right after a meeting, with whoever's physically there. Then "
      "someone posts a summary, or forgets to. I hadn't realised how much of it happens that way.",
      "Knowing why we're doing things, not just what. Being asked for their opinion before the "
      "decision, not told after it. Feeling like their work gets noticed.",
      "Almost all of them. The stand-up, the retro, the all-hands. We just put a camera on them. "
      "None of it was designed for people who are eight hours apart.",
      "Honestly, I don't. The people in the office I can read in the kitchen. Remote people are "
      "fine until they hand in their notice.",
      "Decisions would go in writing with a comment window. Meetings would be recorded. I'd stop "
      "having the side conversations that remote people can't join."},
     {"It sounds like the office has become an invisible inner circle. Nobody designed it that "
      "way, but it's how the team works now.",
      "Remote-first isn't about tools; it's about where decisions and information live. Right now "
      "they live in the hallway.",
      "The quiet you're noticing from the remote folks might not be calm. It might be withdrawal."},
     {"I could move decisions into a written decision log with a forty-eight-hour comment window, "
      "so every time zone gets a say.",
      "I could hold one-on-ones with remote people first and protect them, and ask specifically "
      "how connected they feel to the team.",
      "I could rotate meeting times so the same people aren't always the ones on a call at ten at "
      "night."},
     {"I'll start a written decision log this week and announce that any decision affecting the "
      "whole team goes there with a forty-eight-hour comment window.",
      "I'm going to have a dedicated conversation with each remote team member in the next two "
      "weeks about belonging, and ask what one change would help most.",
      "I'll redesign the retro as an asynchronous document plus a short call, and rotate the call "
      "time each sprint."}},

    {"board_presentation",
     "Presenting to the board",
     "executive presence with the board",
     {"board", "presentation", "executive presence"},
     {"I present to the board for the first time in three weeks. Fifteen minutes on our {Q} "
      "results and the plan for next year. I know the material cold, but the last time I presented "
      "to the executive team, my voice shook and I rushed through the slides.",
      "The last board presentation went badly. One director challenged our numbers and I got "
      "defensive and started over-explaining. The CEO stepped in and I felt like a child being "
      "rescued.",
      "I have forty slides for a twenty-minute board slot. Everyone says cut it down, but every "
      "slide feels essential. I'm terrified of a question I can't answer.",
      NULL},
     {"What does the board need to decide or believe when you're done? Start there.",
      "If you only had three minutes, what would you say?",
      "What happens in your body when a director challenges you, and what do you do next?",
      "What would it mean to be the calmest person in the room?",
      "What's the worst question they could ask, and what's your honest answer?"},
     {"They need to approve the investment in the second data centre and trust that we understand "
      "the risk. Everything else is supporting material.",
      "That we hit the revenue target but missed on margin, here's why, here's the plan, and "
      "here's what we need from you. Saying it like that, it's actually short.",
      "My face goes hot, I speed up and I start defending every detail. I think I'm trying to "
      "prove I deserve to be there instead of having a conversation.",
      "Being able to say, that's a fair challenge, here's what we know and what we don't. Without "
      "rushing to fill the silence.",
      "Why the margin dropped two quarters in a row and whether we saw it coming. The honest "
      "answer is we saw it and acted too late. I can say that."},
     {"The board isn't testing whether you know the details; they're testing whether you have "
      "judgement and will tell them the truth.",
      "Your three-minute version is the presentation. The other thirty-seven slides are the "
      "appendix.",
      "Defensiveness is often just speed. If you slow down and acknowledge the question before "
      "answering, you'll sound like someone who belongs there."},
     {"I could restructure it as the decision we need, three supporting points, and the risks, and "
      "move everything else to an appendix.",
      "I could rehearse twice with the CFO playing the toughest director and practise answering "
      "challenges slowly, with a pause first.",
      "I could prepare answers for the five hardest questions and one phrase for when I don't "
      "know: we'll come back to you by Friday with that."},
     {"I'll cut the deck to ten slides with the ask on slide two, and send the draft to the CEO by "
      "Monday for a gut check.",
      "I'm going to book two rehearsals with the CFO as the tough director, and I'll practise "
      "pausing for two breaths before I answer any challenge.",
      "I'll write out honest answers to the five worst questions, including the margin one, and "
      "rehearse saying them out loud."}},

    {"imposter",
     "Imposter feelings",
     "confidence and self-trust",
     {"confidence", "imposter syndrome", "mindset"},
     {"I keep waiting for someone to figure out that I don't belong here. Everyone in the "
      "leadership team has an MBA or came from a big consulting firm, and I came up through the "
      "support team. When I speak in meetings, I hear myself hedging everything.",
      "I got great feedback in my review and I couldn't take any of it in. I kept thinking they "
      "were being nice, or that I'd just been lucky with the projects I was given. It's like the "
      "praise doesn't stick.",
      "Last week I was asked to lead the company-wide initiative and my first thought wasn't "
      "excitement, it was that they'd made a mistake and I'd be exposed. I almost said no.",
      NULL},
     {"What evidence would convince you that you belong in that room?",
      "Whose voice is it that says you'll be found out? Does it sound like anyone you know?",
      "What did you actually do on the projects you call lucky?",
      "What does the hedging protect you from?",
      "If a friend told you this story about themselves, what would you tell them?"},
     {"Probably nothing, which is the problem. I've had promotions, good reviews, and people "
      "asking for my advice. I explain every one of them away.",
      "It sounds a bit like my father, who always asked why I got a ninety-two and not a hundred. "
      "I know that's a cliché, but it's true.",
      "I rescued the billing migration when it was three months behind and I built the support "
      "team's escalation process that the whole company uses now. Luck didn't do that.",
      "From being wrong in public. If I say 'maybe' and 'I might be wrong', then nobody can say I "
      "overclaimed.",
      "I'd tell them they came up the hard way and know the customers better than anyone with an "
      "MBA. Which is exactly my situation."},
     {"What you're describing is common among high performers, especially people who took a less "
      "traditional path. The feeling doesn't mean the story is true.",
      "I notice you listed those achievements in a very flat voice, as if reading someone else's "
      "CV. What happens if you let them be yours?",
      "Your support background isn't something to hide; it's a perspective the leadership team "
      "doesn't have."},
     {"I could keep an evidence file: every week, write down one thing I did well and what it "
      "shows about me. Read it before big meetings.",
      "I could practise making one statement in each leadership meeting without a qualifier, and "
      "see what actually happens.",
      "I could say yes to the company-wide initiative and name out loud what I bring from the "
      "support side."},
     {"I'll say yes to leading the initiative today, and in the kickoff I'll say plainly why I'm "
      "the right person for it.",
      "I'm starting the evidence file tonight and adding one entry every Friday; I'll bring it to "
      "our next session.",
      "In the next two leadership meetings I'll make at least one recommendation without hedging, "
      "and write down what people actually said."}},

    {"work_life",
     "Work-life balance",
     "a sustainable work-life balance",
     {"work-life balance", "boundaries", "wellbeing"},
     {"My daughter asked me last week why I'm always on my phone at dinner. It hit me hard. I tell "
      "myself I'm doing this for the family, but they're getting the leftovers of me.",
      "I said I'd leave at five-thirty on Tuesdays and Thursdays for my son's football. I've made "
      "it twice in two months. Something always comes up, and I can't seem to say no to the late "
      "meetings.",
      "Since we moved to hybrid work, there's no boundary at all. My kitchen is my office, and I "
      "answer email at six in the morning and at ten at night. I don't know when I'm off.",
      NULL},
     {"What would a good week look like, at work and at home, if you designed it from scratch?",
      "What's non-negotiable for you? Not what should be, what actually is?",
      "Who sets the late meetings, and have you ever told them you're unavailable?",
      "What would your team learn about boundaries by watching you?",
      "What does being off mean to you, and when did you last feel it?"},
     {"Four days where I leave by six, one late day for the time-zone calls, dinners without the "
      "phone, and Saturdays completely off. Written down, that's not unreasonable.",
      "Dinner with the kids three times a week and the football on Thursdays. Everything else I "
      "could flex.",
      "Mostly me, honestly, or people who assume I'm available because I always am. I've never "
      "said I have a hard stop. I just quietly suffer.",
      "That you answer at midnight if you want to be taken seriously. Which is the opposite of "
      "what I tell them in one-on-ones.",
      "On holiday last summer, about day four. It takes me that long to stop checking. That says "
      "something."},
     {"It sounds like your boundaries are wishes until you say them out loud to someone else.",
      "Your team is watching what you do, not what you say. Your boundaries give them permission "
      "to have their own.",
      "The phone at dinner is a tiny thing with a big meaning. Your daughter's question named it "
      "perfectly."},
     {"I could put my hard stops in my calendar as real meetings and tell my team and my boss that "
      "Thursday evenings are protected.",
      "I could create a phone basket at home for dinner, for everyone, including me.",
      "I could set a shutdown ritual: a walk around the block at six, laptop closed, as a signal "
      "that the workday is done."},
     {"I'll put the Thursday football in my calendar as a recurring hard stop and tell my team at "
      "stand-up tomorrow, and I'll tell my daughter about the phone basket tonight.",
      "Starting Monday, laptop closed at six-thirty and no email before breakfast. I'll track how "
      "many days I manage it.",
      "I'll tell my manager about the two protected evenings and ask her to help me hold them."}},

    {"difficult_conversation",
     "A difficult conversation",
     "handling difficult conversations",
     {"difficult conversations", "courage", "communication"},
     {"I have to tell my team that we're cutting two positions as part of the restructuring. I've "
      "known for a week and I haven't slept well since. I don't know how to say it without "
      "breaking trust with everyone who stays.",
      "A long-time team member, someone I hired and really like, is not performing and I have to "
      "put them on a performance plan. We've been friends for years. I don't know how to be their "
      "manager and their friend at the same time.",
      "A client escalated a complaint about one of my people directly to our CEO. I need to talk "
      "to the employee, to the client, and to the CEO, and I want to get the sequence and the tone "
      "right.",
      NULL},
     {"What do you most want the other person to feel and understand when the conversation is "
      "over?",
      "What's the one sentence you have to say, no matter what? Can you say it now, to me?",
      "What are you afraid of in this conversation, and what's under that fear?",
      "How do you want to show up, regardless of how they react?",
      "What preparation would help you feel steady going in?"},
     {"That it's not about their worth, that I'll support them, and that the decision is final. I "
      "want them to leave with their dignity intact.",
      "Your work is not meeting what the role needs, and I'm starting a formal plan so we're both "
      "clear on what has to change. That's hard to say to a friend.",
      "That I'll lose them as a friend, and that the team will see me as cold. Under that, I think "
      "I'm afraid of being disliked more than I'm afraid of being unfair.",
      "Calm, honest, kind and clear. Not rushing, not over-apologising, and not hiding behind HR "
      "language.",
      "Writing down the key messages, talking it through with HR, and doing it early in the day, "
      "early in the week, so they can get support afterwards."},
     {"The clarity of your one sentence is a kindness. The cruelest version of this conversation "
      "is the vague one.",
      "You can be a good friend and a fair manager at the same time. But in this conversation, the "
      "manager has to lead.",
      "I hear how much you care about getting this right. That care will come through even if your "
      "words aren't perfect."},
     {"I could script the first two minutes exactly, then switch to listening, and have a "
      "follow-up meeting already booked.",
      "I could tell my friend privately that this conversation is me as their manager, and that "
      "I'll still be there as a friend on the other side.",
      "For the escalation, I could talk to the employee first, then the client, then brief the CEO "
      "with both sides and a plan."},
     {"I'll have the conversation on Tuesday morning, open with the one sentence, then listen, and "
      "book a follow-up for Thursday.",
      "I'm going to write the key messages for the team announcement with HR this week and "
      "rehearse them with you next session.",
      "I'll meet the employee tomorrow, the client on {DAY}, and send the CEO a short summary with "
      "our plan afterwards."}},

    {"change_management",
     "Leading through change",
     "leading change",
     {"change", "transformation", "communication"},
     {"We're moving the whole company onto a new operating model in {Q}, and my department is the "
      "pilot. People are anxious, rumours are everywhere, and I'm expected to be enthusiastic "
      "about something I only half understand myself.",
      "The merger closed last month and now I lead a team that's half ours and half theirs. They "
      "use different tools, different language, and they don't trust each other. Every meeting "
      "feels like two teams in one room.",
      "Leadership announced a return to the office three days a week, and my team is furious. I "
      "have to implement it and I'm not sure I agree with it.",
      NULL},
     {"What do your people need to hear from you, as opposed to from the corporate announcement?",
      "What part of this change do you believe in, and what part do you have doubts about?",
      "Who are the informal leaders on your team, and how could they help shape the change?",
      "What's being lost for people in this change, and has anyone acknowledged it?",
      "How could you lead this honestly without undermining the decision?"},
     {"What it means for them, concretely, on a Monday morning. And that I'll tell them what I "
      "know when I know it, even if it's not much.",
      "I believe in the idea of fewer handoffs. I'm doubtful about the timeline. I can say both.",
      "{PEER} on my side and two people from the other company that everyone listens to. I've been "
      "treating them as resisters instead of potential allies.",
      "Their autonomy, their old team identity, and for some of them, a two-hour commute they'd "
      "escaped. Nobody has said that out loud.",
      "I can say I'll implement it fully, I'll be honest about the trade-offs, and I'll feed their "
      "concerns up the chain. That's different from pretending to love it."},
     {"People don't resist change so much as they resist loss. Naming the loss is often what "
      "unlocks the movement.",
      "You don't need to be enthusiastic to lead change well; you need to be credible. Honesty "
      "about your own doubts builds that.",
      "It sounds like your change agents are hiding in plain sight among the people you thought "
      "were resisting."},
     {"I could hold a session where we name what's being lost and what's being gained, before we "
      "plan anything.",
      "I could form a small working group of the informal leaders from both companies to design "
      "how we'll work together.",
      "I could write a weekly change update in plain language: what we know, what we don't, and "
      "when we'll know more."},
     {"I'll run a listening session next week on what people are losing and gaining, and share "
      "what I hear with my leadership.",
      "I'm going to invite {PEER} and two leaders from the other side to co-design our team's "
      "working agreements by the end of the month.",
      "I'll start a weekly plain-language update this Friday, including the things I don't know "
      "yet."}},

    {"executive_presence",
     "Executive presence",
     "executive presence",
     {"executive presence", "communication", "influence"},
     {"In my 360, several people said I lack executive presence. I asked my manager what that "
      "means and she said I need to be more concise and more confident in senior meetings. I don't "
      "know how to work on something that vague.",
      "When I'm in a room with the executive team, I shrink. I wait for the perfect moment to "
      "speak, and by the time I've composed my point, the conversation has moved on.",
      "I've been told I come across as too intense. I'm passionate, and in meetings I push hard "
      "for my team. Apparently it reads as aggressive to some of the senior people.",
      NULL},
     {"Think of someone at {ORG} who has the presence you want. What exactly do they do?",
      "What do you want people to feel about you and your ideas when you leave a meeting?",
      "How do you prepare for senior meetings today?",
      "What happens between the moment you have a thought and the moment you decide not to say it?",
      "What's one meeting next week where you could experiment?"},
     {"She speaks rarely but when she does she starts with the point, then one reason. She's "
      "comfortable with silence. And she asks very good questions.",
      "That I'm calm, that I've thought it through, and that I'm worth listening to. Right now I "
      "think they feel I'm either absent or overheated.",
      "I over-prepare the content and never think about the first sentence. I have forty facts and "
      "no headline.",
      "I tell myself it's not good enough yet, or that someone more senior should say it. By the "
      "time I decide, it's too late.",
      "The Thursday operating review. It's a safe enough room, and I usually have a view on the "
      "margin discussion."},
     {"Presence is mostly about being grounded and clear: a headline, a reason, and the "
      "willingness to pause.",
      "Intensity and passion are strengths; presence is about directing them. Slowing down lets "
      "people hear what you care about.",
      "You have the content already. What's missing is the first sentence, and the permission you "
      "give yourself to say it."},
     {"I could prepare one headline sentence for each agenda item and say it within the first ten "
      "minutes of the meeting.",
      "I could practise pausing and lowering my pace when I feel myself getting intense, and ask a "
      "question before I argue.",
      "I could ask a trusted peer to watch me in the operating review and give me two observations "
      "afterwards."},
     {"At Thursday's operating review, I'll speak in the first ten minutes with a headline and one "
      "reason, and ask {PEER} for feedback afterwards.",
      "I'm going to prepare headlines instead of slides for the next three senior meetings.",
      "Every time I feel the intensity rising this week, I'll pause, ask one question, and then "
      "make my point, and I'll note what happens."}},

    {"accountability",
     "Team accountability",
     "building accountability in the team",
     {"accountability", "performance", "ownership"},
     {"Deadlines on my team are more like suggestions. People commit to dates in planning and then "
      "miss them, and nobody seems to feel bad about it. I end up chasing everyone, which I hate.",
      "We had a major incident last month and the post-mortem turned into a blame session. Now "
      "people are afraid to own anything, and every decision goes up to me.",
      "I've inherited a team with a culture of 'someone else will handle it'. Action items from "
      "meetings just evaporate.",
      NULL},
     {"When someone misses a commitment today, what happens next, concretely?",
      "How clear is it who owns each thing? Could anyone on the team tell me?",
      "What have you modelled about your own commitments?",
      "What's the difference between accountability and blame on your team?",
      "What would it take for people to raise a risk early instead of missing quietly?"},
     {"Nothing, mostly. I sigh, I chase, and then I quietly adjust the plan. So the lesson is that "
      "missing is fine.",
      "Probably not. We assign things to teams, not to people, and a team can't be accountable.",
      "I missed two of my own deadlines last quarter and didn't say anything. They noticed, I'm "
      "sure.",
      "Blame is looking backwards for who to punish. Accountability is owning what happens next. "
      "We've been doing the first one.",
      "A norm that flagging a risk early is praised, not punished, and a regular place to do it, "
      "like the start of stand-up."},
     {"Teams are accountable in the way their leader responds to the first miss. What you "
      "tolerate, you teach.",
      "Accountability without safety becomes blame, and safety without accountability becomes "
      "drift. You need both at once.",
      "I notice you said people, not a team. Single owners with clear dates change everything."},
     {"I could make every action item have one name and one date, and review them at the start of "
      "each meeting.",
      "I could run the next post-mortem in a blameless format and close it with owned actions.",
      "I could name my own missed deadlines openly and reset them, to show what owning a miss "
      "looks like."},
     {"I'll introduce single owners and dates for every action item starting in Monday's team "
      "meeting, and review them weekly.",
      "I'm going to open the next team meeting by owning my own two missed deadlines and what I'm "
      "doing about them.",
      "I'll rewrite the post-mortem template to be blameless with named follow-up owners and use "
      "it for the next incident."}},

    {"career_transition",
     "Career transition",
     "clarity on the next career step",
     {"career", "transition", "purpose"},
     {"I've been in this role for six years and I'm not sure I want the next step here. A "
      "recruiter called about a COO role at a smaller company and I can't stop thinking about it. "
      "But I feel disloyal even considering it.",
      "After the reorg, my job became mostly operational, and I miss building things. I'm "
      "wondering whether to stay and shape the new role or look outside.",
      "I'm fifty-two, I've done well, and I keep asking myself whether this is what I want the "
      "next ten years to look like. It's not a crisis, more a quiet question that won't go away.",
      NULL},
     {"What are the moments in your work when you feel most alive?",
      "What would you regret not trying, ten years from now?",
      "What is loyalty asking of you here, and what is it costing you?",
      "If money and status were neutral, what would you choose?",
      "What could you learn about the other path without committing to it?"},
     {"When I'm building something new with a small team and the outcome is uncertain. That's why "
      "the COO role pulls at me.",
      "Not trying something on my own terms. I've always taken the next logical step, never the "
      "one I chose.",
      "Staying in a role that fits me less every year because I feel I owe the company. They'd be "
      "fine without me, if I'm honest.",
      "Something with more ownership and less process, where I can see the impact of decisions "
      "within weeks, not years.",
      "I could have a proper conversation with the recruiter and talk to two people who've made a "
      "similar move."},
     {"Exploring is not the same as deciding. You can gather information without betraying anyone.",
      "It sounds like your career has been a series of good answers to other people's questions. "
      "This is your question.",
      "The quiet question you describe is worth taking seriously precisely because it isn't going "
      "away."},
     {"I could talk to the recruiter and to two people who moved from large companies to smaller "
      "ones, just to learn.",
      "I could write down what I want from the next ten years, in terms of work, money and time, "
      "before looking at any specific role.",
      "I could talk to my CEO about what a more entrepreneurial role inside the company could look "
      "like."},
     {"I'll take the recruiter's call this week with the explicit aim of learning, not deciding, "
      "and talk to two people who made a similar move.",
      "I'm going to write my ten-year picture this weekend and bring it to our next session.",
      "I'll ask my CEO for a career conversation before the end of the month."}},

    {"decision_making",
     "Decision making under uncertainty",
     "decisive leadership",
     {"decision making", "uncertainty", "judgement"},
     {"I have to decide whether to shut down a product line that three hundred customers still "
      "use. The data is mixed, my team is split, and I've postponed the decision twice. Everyone "
      "is waiting for me.",
      "I'm known as someone who gathers all the data before deciding. It used to be a strength, "
      "but at this level, the decisions come faster than the data. My CEO told me I need to get "
      "comfortable deciding with sixty percent of the information.",
      "We need to choose between two vendors for the platform, and whichever I pick, I'll own it "
      "for five years. I keep asking for one more analysis.",
      NULL},
     {"What would you need to know to decide, and could you actually know it in the next two "
      "weeks?",
      "What is the cost of not deciding, per week?",
      "Is this a one-way door or a two-way door? What would it take to reverse it?",
      "Who needs to be part of this decision, and who just needs to be informed?",
      "What does your gut say, before you argue with it?"},
     {"I'd want to know which customers would churn versus migrate. But I can't really know that "
      "without announcing something. More analysis won't tell me.",
      "Probably two engineers' worth of time, plus the team's morale. The uncertainty is worse for "
      "them than a bad decision would be.",
      "It's more reversible than I've been acting. We could sunset over twelve months and keep the "
      "option to extend for the biggest accounts.",
      "My team needs to be heard, but the decision is mine. I think I've been trying to get "
      "consensus so I don't have to own it.",
      "Shut it down, carefully. I've known that for a month."},
     {"Delay is also a decision, and it sounds like it's been the most expensive option on the "
      "table.",
      "Consensus feels safer, but at your level people want clarity more than agreement.",
      "When you said 'shut it down, carefully', your voice was the clearest it's been all "
      "session."},
     {"I could set a decision date, gather input for one week, and then decide and explain my "
      "reasoning.",
      "I could frame the decision as reversible with a checkpoint, which lowers the stakes for "
      "everyone, including me.",
      "I could write a one-page decision memo that includes what would make me change my mind."},
     {"I'll announce the decision date to my team tomorrow, take input until Friday, and send the "
      "decision memo by next Tuesday.",
      "I'm going to write the decision memo this week, including the conditions under which we'd "
      "revisit it.",
      "For the vendor choice, I'll stop requesting analyses and decide at the next steering "
      "meeting."}},
};
const size_t seed_ntopics = sizeof seed_topics / sizeof seed_topics[0];

size_t seed_count(const char *const *list)
{
	size_t n = 0;
	while (list[n])
		n++;
	return n;
}

const seed_topic *seed_topic_find(const char *key)
{
	for (size_t i = 0; key && i < seed_ntopics; i++)
		if (strcmp(seed_topics[i].key, key) == 0)
			return &seed_topics[i];
	return NULL;
}

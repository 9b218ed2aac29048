/* The demo corpus as data: coaching companies, coaches, client organizations,
 * clients and coaching models. Missing metadata keys are deliberate: they
 * exercise the spec's "Handling NULL/Missing Metadata Keys" patterns. */
#include "db/seed_data.h"

/* Hand-laid-out data tables and prose: */
/* clang-format off */

#define M SEED_MISSING

const seed_company seed_companies[] = {
    {"InsideOut Leadership", "insideout-leadership", "https://insideoutdev.com",
     "info@insideoutdev.com", "https://insideoutdev.com/assets/logo.png", 1, 2001},
    {"Northbridge Executive Coaching", "northbridge-executive-coaching",
     "https://northbridgecoaching.com", "hello@northbridgecoaching.com", NULL, 1, 2009},
    {"Clearwater Coaching Collective", "clearwater-coaching-collective",
     "https://clearwatercoaching.org", NULL, NULL, M, M},
};
const size_t seed_ncompanies = sizeof seed_companies / sizeof seed_companies[0];

const seed_model seed_models[] = {
    {0, "GROW Model", "grow-model",
     "Goal, Reality, Options, Will: the classic four-stage structure for a coaching conversation.",
     "GROW Model\n\n"
     "GROW is a simple structure for a coaching conversation, developed in the 1980s by Graham "
     "Alexander, Alan Fine and Sir John Whitmore. It moves a conversation from what the client wants, "
     "through an honest look at where they are, to the options they have and what they will actually "
     "do. It works in a five-minute corridor conversation as well as in a ninety-minute session.\n\n"
     "G - Goal. What does the client want from this conversation, and what do they want in the longer "
     "term? A good goal is specific, positive, within the client's influence and inspiring enough to "
     "act on. Questions: What would you like to walk away with today? What would success look like, "
     "concretely? How will you know you've achieved it?\n\n"
     "R - Reality. What is happening now? The coach invites description rather than judgement, and "
     "helps the client notice facts, feelings, assumptions and what they have already tried. "
     "Questions: What is happening at the moment? Who is involved? What have you done so far, and "
     "with what effect? What is really stopping you?\n\n"
     "O - Options. What could the client do? The aim is quantity before quality: generating "
     "possibilities without evaluating them too soon, then weighing costs and benefits. Questions: "
     "What could you do? What else? What would you do if you had no constraints? What would someone "
     "you admire do?\n\n"
     "W - Will (or Way forward). What will the client do, when, and how committed are they? The "
     "conversation ends with a concrete action, an owner, a date, the obstacles anticipated and the "
     "support needed. Questions: What will you do, and by when? On a scale of one to ten, how "
     "committed are you? What would make it a ten?\n\n"
     "Practice notes. Reality often needs the most time: clients usually arrive with a solution to a "
     "problem they have not fully described. Revisit the Goal when the Reality shifts it. The model is "
     "a map, not a script; skilled coaches move back and forth between stages.",
     "3.1", "framework", "InsideOut Leadership", {"coaching conversation", "goal setting", "structure", NULL},
     {"Let's use the GROW frame for a moment. If this goes really well, what does the goal look like by the end of {Q}, concretely?",
      "We've spent a while in Reality, which is good. Let's move to Options: what could you do, without judging any of it yet?",
      "In GROW terms we've looked hard at the Reality. Now the Options: if nothing were off the table, what could you do?"}},
    {0, "Adaptive Leadership Framework", "adaptive-leadership-framework",
     "InsideOut's framework for leading through adaptive challenges: diagnose the system, then mobilise people to do the adaptive work.",
     "Adaptive Leadership Framework\n\n"
     "Based on the work of Ronald Heifetz and Marty Linsky at Harvard, this framework distinguishes "
     "technical problems, which can be solved with existing expertise and authority, from adaptive "
     "challenges, which require people to learn, change their priorities, beliefs or habits, and "
     "often accept loss. Most leadership failures come from treating an adaptive challenge as a "
     "technical one.\n\n"
     "1. Get on the balcony. Step out of the action on the dance floor to see the patterns: who is "
     "doing what, where the energy is, what is being avoided. Coaching question: If you watched this "
     "week from the balcony, what pattern would you see?\n\n"
     "2. Diagnose the system. Identify the adaptive challenge, the stakeholders, their loyalties and "
     "what each stands to lose. Ask what the system is perfectly designed to produce. Coaching "
     "question: What would each party lose if this problem were solved?\n\n"
     "3. Regulate the heat. Adaptive work requires enough disequilibrium to motivate change but not so "
     "much that people freeze, fight or flee. Leaders raise the heat by naming hard issues and lower "
     "it by providing structure, sequencing and reassurance.\n\n"
     "4. Give the work back. The people with the problem must do the work of adapting; a leader who "
     "solves everything creates dependency. Coaching question: What work are you doing that belongs "
     "to your team?\n\n"
     "5. Protect voices of leadership from below. The people raising uncomfortable questions are "
     "often the ones seeing the system most clearly.\n\n"
     "6. Hold steady. Adaptive change takes longer than technical change and produces resistance "
     "aimed at the leader. Staying connected to purpose, and to a few confidants, is how leaders "
     "survive it.\n\n"
     "InsideOut applies the framework in executive coaching through a balcony review at the start "
     "of each engagement, stakeholder maps, and experiments run between sessions.",
     "2.0", "framework", "InsideOut Leadership", {"leadership", "adaptive", "systems-thinking", NULL},
     {"Let me offer a distinction from the adaptive leadership work: a technical problem has a known fix, an adaptive challenge asks people to change how they work. If this is adaptive, what experiments could you run?",
      "Let's get on the balcony for a moment. If you watched the last two weeks from above, you'd see a pattern. Given that pattern, what could you do differently?",
      "Whose work is this really? In adaptive leadership terms, what part of it could you give back to the people who own the problem?"}},
    {1, "CLEAR Model", "clear-model",
     "Contract, Listen, Explore, Action, Review: Peter Hawkins' model for transformational coaching conversations.",
     "CLEAR Model\n\n"
     "CLEAR was developed by Peter Hawkins in the early 1980s and is widely used in executive and team "
     "coaching. It gives particular weight to contracting at the start and reviewing at the end, "
     "which makes each session a complete learning loop.\n\n"
     "C - Contract. Agree the outcomes the client wants from the session, the ground rules and the "
     "coach's role. Questions: What would you like to have at the end of our time? What's the most "
     "useful thing I can do?\n\n"
     "L - Listen. Active, generative listening to help the client make sense of the situation: "
     "reflecting, summarising, noticing emotion and what is not being said.\n\n"
     "E - Explore. Two parts: helping the client understand the personal impact of the situation on "
     "them, and challenging them to see new possibilities for future action. Questions: How does "
     "this affect you? What would you like to be different? What are the options you haven't "
     "considered?\n\n"
     "A - Action. Support the client in choosing a way forward and deciding the next step, "
     "sometimes rehearsing it in the session (a fast-forward rehearsal).\n\n"
     "R - Review. Review the actions agreed and the session itself: what was helpful, what could be "
     "better, and how the client will reflect on progress. Reviewing builds the client's capacity "
     "to coach themselves.\n\n"
     "Northbridge coaches use CLEAR for executive engagements and add a stakeholder contract at the "
     "start of each programme, agreeing with the client's manager what success looks like.",
     "1.4", "framework", "Northbridge Executive Coaching", {"contracting", "executive coaching", "review", NULL},
     {"Let's contract for a moment, in CLEAR terms: what would you like to have at the end of our time today, and how can I be most useful?",
      "I want to explore the personal impact before we jump to action. How is this affecting you, not just the project?",
      "We've listened and explored; in CLEAR terms it's time to move toward action. What ways forward can you see?"}},
    {1, "OSKAR Solution-Focused Coaching", "oskar-solution-focused",
     "Outcome, Scaling, Know-how, Affirm and action, Review: a solution-focused model that builds on what already works.",
     "OSKAR Solution-Focused Coaching\n\n"
     "OSKAR, created by Paul Z. Jackson and Mark McKergow, applies solution-focused brief therapy to "
     "organisational coaching. Instead of analysing problems, it looks for what is already working "
     "and how to get more of it.\n\n"
     "O - Outcome. What is the objective of this coaching? What would the perfect future look like "
     "if the problem vanished overnight (the miracle question)? What would you notice first?\n\n"
     "S - Scaling. On a scale of zero to ten, where ten is the perfect future, where are you now? "
     "What puts you at that number rather than zero?\n\n"
     "K - Know-how and resources. What helps you perform at that level? When does the outcome already "
     "happen, even a little? What did you do differently then? Who else could help?\n\n"
     "A - Affirm and action. Affirm what is impressive in what the client has already done, then ask "
     "what one small step would move them one point up the scale.\n\n"
     "R - Review. In follow-up sessions: what's better? What did you do that made it happen? What "
     "will you do next?\n\n"
     "Practice notes: keep steps small; a one-point move is progress. Notice and affirm resources "
     "sincerely. Use the client's own words for the outcome.",
     "1.0", "framework", "Northbridge Executive Coaching", {"solution-focused", "scaling", "strengths", NULL},
     {"On a scale of one to ten, where ten is the outcome you want, you said you're about a four. What would move you one point up?",
      "Let's look for exceptions. When has this already gone a little better, and what could you do more of?",
      "What would one point higher on the scale look like by next week? Just one point."}},
    {2, "Co-Active Coaching Model", "co-active-model",
     "The Co-Active model: the client is naturally creative, resourceful and whole; coaching addresses the client's whole life and dances in the moment.",
     "Co-Active Coaching Model\n\n"
     "The Co-Active model, developed by Karen and Henry Kimsey-House, Phil Sandahl and Laura Whitworth, "
     "rests on four cornerstones and a set of contexts that shape how the coach shows up.\n\n"
     "Cornerstones. People are naturally creative, resourceful and whole. Focus on the whole person, "
     "not only the problem. Dance in this moment: follow what is alive in the conversation rather "
     "than an agenda. Evoke transformation: the aim is growth, not only problem solving.\n\n"
     "Contexts. Listening at three levels (internal, focused on the client, and global, taking in the "
     "whole field). Intuition, shared as an offer rather than a truth. Curiosity, asked with powerful "
     "open questions. Forward and deepen: action moves the client forward, learning deepens it. "
     "Self-management: the coach sets aside their own opinions and needs.\n\n"
     "Three principles. Fulfilment: helping the client discover and live what matters most to them. "
     "Balance: helping the client see more perspectives and make choices about their life. Process: "
     "being with the client in the flow of their experience, including the uncomfortable parts.\n\n"
     "Skills. Acknowledgment of who the client is being, not just what they did; championing; "
     "requesting and challenging; holding the client's agenda; designing the alliance at the start "
     "of the relationship and revisiting it.\n\n"
     "Clearwater coaches design the alliance in the first session and revisit it every quarter.",
     "4.0", "methodology", "Clearwater Coaching Collective", {"co-active", "whole person", "values", NULL},
     {"From a Co-Active place, I want to hold you as naturally creative, resourceful and whole. What does your own wisdom say here?",
      "I have an intuition I'd like to offer, and you can throw it away if it doesn't fit: it sounds like this is really about your values, not the task. What do you make of that?",
      "Let me acknowledge something: what you're showing in this conversation is courage. What's the action that would forward this, and what's the learning that would deepen it?"}},
};
const size_t seed_nmodels = sizeof seed_models / sizeof seed_models[0];

const seed_coach seed_coaches[] = {
    {"Ana Ruiz", "ana.ruiz@insideoutdev.com", 0, 1, 15, {"C-suite", "organizational transformation", NULL},
     {"ICF-MCC", "DISC", NULL}, 0, "America/Los_Angeles", {1, 0, -1},
     "Ana coaches C-suite executives through growth, mergers and reinvention. Before coaching she ran product organisations at two media companies. She is known for direct questions and for helping leaders see the system they are part of."},
    {"David Okonkwo", "david.okonkwo@insideoutdev.com", 0, 1, 11, {"new managers", "team dynamics", NULL},
     {"ICF-PCC", NULL}, 0, "America/New_York", {0, 1, -1},
     "David works with engineering and operations leaders in their first years of managing managers. A former site reliability lead, he brings a practical, experiment-driven style to coaching."},
    {"Mei Lin Tan", "meilin.tan@insideoutdev.com", 0, 1, 8, {"women in leadership", "executive presence", NULL},
     {"ICF-PCC", "MBTI Certified", NULL}, 0, "Asia/Singapore", {0, -1, -1},
     "Mei Lin coaches emerging leaders across Asia-Pacific, with a focus on executive presence, voice and influence in cross-cultural teams."},
    {"Robert Hale", "robert.hale@insideoutdev.com", 0, 0, 24, {"board relations", "CEO succession", NULL},
     {"ICF-MCC", NULL}, 0, "America/Chicago", {1, 0, -1},
     "Robert has coached chief executives and their boards for over two decades and advised on CEO succession in healthcare and energy. He is on sabbatical and not taking new clients."},
    {"Sarah Whitfield", "sarah.whitfield@insideoutdev.com", 0, 1, M, {"burnout recovery", "resilience", NULL},
     {NULL}, 1, "Europe/London", {0, -1, -1},
     "Sarah trained as an occupational psychologist and coaches leaders recovering from burnout, with an emphasis on boundaries, energy and sustainable performance."},
    {"Jonas Berg", "jonas.berg@insideoutdev.com", 0, 1, 6, {"engineering leaders", "remote teams", NULL},
     {"ICF-ACC", "DISC", NULL}, 0, "Europe/Berlin", {1, -1, -1},
     "Jonas is a former CTO of a distributed startup. He coaches engineering leaders on scaling teams across time zones, hiring and technical strategy."},
    {"Claire Dubois", "claire.dubois@northbridgecoaching.com", 1, 1, 19, {"executive presence", "board readiness", NULL},
     {"ICF-MCC", "Hogan", NULL}, 0, "America/New_York", {2, 3, -1},
     "Claire prepares senior executives for board-level roles. She spent ten years in investment banking before becoming a coach and is known for rehearsal-based sessions."},
    {"Marcus Reid", "marcus.reid@northbridgecoaching.com", 1, 1, 12, {"sales leadership", "difficult conversations", NULL},
     {"ICF-PCC", "DISC", NULL}, 0, "America/Chicago", {3, 2, -1},
     "Marcus coaches sales and commercial leaders, especially on accountability, difficult conversations and managing through quota pressure."},
    {"Priyanka Nair", "priyanka.nair@northbridgecoaching.com", 1, 1, 9, {"product leaders", "strategic thinking", NULL},
     {"ICF-PCC", NULL}, 0, NULL, {2, -1, -1},
     "Priyanka works with product and data leaders moving from execution to strategy. She was previously a product director at a payments company."},
    {"Tom Gallagher", "tom.gallagher@northbridgecoaching.com", 1, 0, 30, {"CFOs", "financial services", NULL},
     {"ICF-MCC", "EMCC Master Practitioner", NULL}, 0, "Europe/Dublin", {2, -1, -1},
     "Tom coached finance executives for thirty years and now mentors Northbridge's coaches. His remaining client engagements are winding down."},
    {"Lucía Fernández", "lucia.fernandez@clearwatercoaching.org", 2, 1, 14, {"career transition", "purpose", NULL},
     {"ICF-PCC", "CPCC", NULL}, 0, "America/Denver", {4, -1, -1},
     "Lucía helps leaders at a crossroads clarify what matters and design their next chapter. She coaches in English and Spanish."},
    {"Samir Haddad", "samir.haddad@clearwatercoaching.org", 2, 1, 7, {"change leadership", "mergers", NULL},
     {"CPCC", NULL}, 0, "Europe/London", {4, 0, -1},
     "Samir coaches leaders through mergers, restructurings and operating-model changes, drawing on his years as an integration lead."},
    {"Hannah Kowalski", "hannah.kowalski@clearwatercoaching.org", 2, M, 5, {"first-time managers", "confidence", NULL},
     {"ICF-ACC", NULL}, 0, "America/Los_Angeles", {4, -1, -1},
     NULL},
    {"Kenji Watanabe", "kenji.watanabe@clearwatercoaching.org", 2, 1, 16, {"decision making", "operations leaders", NULL},
     {"ICF-PCC", "DISC", "MBTI Certified", NULL}, 0, "Asia/Tokyo", {4, 3, -1},
     "Kenji coaches operations and manufacturing leaders on decision making under uncertainty. He spent fifteen years in plant management in Japan and Germany."},
};
const size_t seed_ncoaches = sizeof seed_coaches / sizeof seed_coaches[0];

const seed_org seed_orgs[] = {
    {"Acme Media", "acme-media", "acmemedia.com", "Media", "mid-market", 250, "San Francisco, CA",
     "https://acmemedia.com", 1, "America/Los_Angeles",
     "Acme Media publishes digital magazines and podcasts for professional audiences. After two years of fast subscriber growth, advertising revenue has softened and the leadership team is shifting the business toward subscriptions and events.",
     {"Make subscriptions the core of the business", "Ship the new reader app", "Build a leadership bench"},
     {{"Grow paying subscribers from 84,000 to 110,000", "Reduce monthly churn from 4.1% to 3.0%", "Launch two premium newsletters"},
      {"Release the app on iOS and Android by mid-quarter", "Reach 25,000 weekly active app readers", "App crash rate below 0.5%"},
      {"Every director has a named successor", "Complete coaching for eight senior leaders", "Engagement score above 75"}}},
    {"Helix Biotherapeutics", "helix-biotherapeutics", "helixbio.com", "Biotechnology", "mid-market", 620,
     "Boston, MA", "https://helixbio.com", 1, "America/New_York",
     "Helix develops antibody therapies for autoimmune disease. Its lead programme entered phase III this year, which has doubled the clinical operations team and put new pressure on manufacturing and regulatory.",
     {"Deliver the phase III trial on schedule", "Scale manufacturing for commercial launch", "Strengthen cross-functional leadership"},
     {{"Enrol 80% of patients by end of quarter", "Open 12 additional trial sites", "Zero critical findings in the regulatory audit"},
      {"Qualify the second production line", "Reduce batch failure rate to under 2%", "Sign the secondary supplier agreement"},
      {"Monthly cross-functional leadership forum running", "Decision rights defined for the launch team", "Leadership 360 completed for all VPs"}}},
    {"Northwind Logistics", "northwind-logistics", "northwindlogistics.com", "Logistics", "enterprise", 14500,
     "Chicago, IL", "https://northwindlogistics.com", 1, "America/Chicago",
     "Northwind runs freight, warehousing and last-mile delivery across North America. A three-year transformation programme is consolidating regional operations into a single operating model with shared technology.",
     {"Complete the operating-model transformation in the Midwest", "Improve on-time delivery", "Develop frontline leaders"},
     {{"Migrate 14 warehouses to the shared platform", "Retire three legacy dispatch systems", "Transformation milestones 90% on time"},
      {"On-time delivery from 91% to 95%", "Damage claims down 20%", "Fleet utilisation above 82%"},
      {"200 frontline managers complete the leadership programme", "Internal promotion rate above 60%", "Voluntary turnover below 14%"}}},
    {"Brightpath Learning", "brightpath-learning", "brightpathlearning.com", "Education Technology", "startup", 48,
     "Austin, TX", "https://brightpathlearning.com", 1, "America/Chicago",
     "Brightpath builds adaptive maths tutoring software for middle schools. It raised its Series A last spring and is hiring quickly while trying to keep its tight, mission-driven culture.",
     {"Prove product-market fit in three new states", "Hire the team for Series B", "Keep the culture as we double"},
     {{"Sign 40 new school districts", "Weekly active students above 60,000", "Net revenue retention above 110%"},
      {"Hire 22 people, including a VP of Sales", "Time to hire under 35 days", "Offer acceptance rate above 80%"},
      {"Culture interview in every hiring loop", "Every manager trained in feedback", "eNPS above 40"}}},
    {"Meridian Health Partners", "meridian-health-partners", "meridianhealth.org", "Healthcare", "enterprise", 22000,
     "Nashville, TN", "https://meridianhealth.org", 1, "America/Chicago",
     "Meridian operates eleven hospitals and eighty clinics in the south-east. Nursing shortages, a new electronic health record and value-based contracts are reshaping how leaders work.",
     {"Stabilise the nursing workforce", "Go live with the new electronic health record", "Improve patient experience"},
     {{"Nurse vacancy rate from 14% to 9%", "Agency staffing spend down 25%", "Launch flexible scheduling in all hospitals"},
      {"Go live in four hospitals on schedule", "Clinician training completion above 95%", "No patient-safety incidents attributed to the cutover"},
      {"Patient satisfaction scores in the top quartile", "Emergency department wait time under 30 minutes", "Complaint resolution within 10 days"}}},
    {"Cobalt Financial Group", "cobalt-financial-group", "cobaltfinancial.com", "Financial Services", "enterprise", 8300,
     "New York, NY", "https://cobaltfinancial.com", 1, "America/New_York",
     "Cobalt provides retail banking and wealth management. Rising interest rates, a regulatory review and a digital-first competitor have made operational resilience and leadership succession board priorities.",
     {"Pass the regulatory review without findings", "Grow digital wealth clients", "Build the succession pipeline"},
     {{"Close all open audit issues", "Model risk framework approved by the board", "Compliance training at 100%"},
      {"Onboard 30,000 new digital wealth clients", "Digital onboarding under 10 minutes", "Client satisfaction above 4.5"},
      {"Two ready-now successors for each executive role", "Coaching for all high-potential directors", "Diverse slates for every senior hire"}}},
    {"Fernway Robotics", "fernway-robotics", "fernwayrobotics.de", "Technology", "startup", 85, "Berlin, Germany",
     "https://fernwayrobotics.de", 1, "Europe/Berlin",
     "Fernway builds autonomous mobile robots for warehouse picking. The founding team is learning to lead a company that has grown from twelve to eighty-five people in eighteen months.",
     {"Ship the second-generation robot", "Land the first enterprise customers", "Grow the founders into executives"},
     {{"Gen-2 robot passes safety certification", "Mean time between failures above 400 hours", "Unit cost down 30%"},
      {"Three enterprise pilots converted to contracts", "Pipeline of 5 million euros", "Pilot deployment time under 6 weeks"},
      {"Founders delegate hiring below director level", "Leadership team offsite every quarter", "Clear decision rights published"}}},
    {"Tallgrass Energy Cooperative", "tallgrass-energy-cooperative", "tallgrassenergy.coop", "Energy", NULL, M,
     "Omaha, NE", NULL, 0, "America/Chicago",
     "Tallgrass is a member-owned electricity cooperative serving rural communities. It is adding wind and solar capacity while modernising an ageing grid. The coaching engagement ended last year.",
     {"Add renewable capacity", "Modernise grid operations", "Prepare the next generation of leaders"},
     {{"Commission the 80 MW wind project", "Sign two community solar agreements", "Renewables at 40% of supply"},
      {"Deploy smart meters to 60% of members", "Outage minutes per member down 15%", "Replace the outage management system"},
      {"Succession plans for all directors", "Leadership programme for field supervisors", "Mentoring for new managers"}}},
    {"Vertex Cloud Systems", "vertex-cloud-systems", "vertexcloud.com", "Technology", "enterprise", 31000,
     "Seattle, WA", "https://vertexcloud.com", 1, "America/Los_Angeles",
     "Vertex sells cloud infrastructure and developer tools to large enterprises. After a decade of hypergrowth it is reorganising around product lines, and a new generation of leaders is being promoted into roles that used to belong to the founders.",
     {"Reach profitability in the infrastructure business", "Improve reliability for enterprise customers", "Grow leaders from within"},
     {{"Gross margin from 58% to 64%", "Consolidate four data-centre regions", "Cloud spend per customer down 10%"},
      {"99.99% availability for the top 200 accounts", "Sev-1 incidents down by half", "Mean time to recovery under 30 minutes"},
      {"70% of director roles filled internally", "Every new manager in coaching within 90 days", "Promotion criteria published for all levels"}}},
};
const size_t seed_norgs = sizeof seed_orgs / sizeof seed_orgs[0];

const seed_client seed_clients[] = {
    {"Maya Chen", "VP of Product", "Product", 0, 0, {"strategy", "delegation", NULL}, 0, 1},
    {"Jordan Ellis", "Director of Engineering", "Engineering", 0, 1, {"delegation", "hiring", NULL}, 0, 1},
    {"Sofia Alvarez", "Head of Content", "Editorial", 0, 2, {"executive_presence", "feedback", NULL}, 0, 1},
    {"Ben Carter", "Chief Revenue Officer", "Sales", 0, 6, {"board_presentation", "managing_up", NULL}, 0, 1},
    {"Aisha Bello", "Engineering Manager", "Engineering", 0, 5, {"remote_teams", "feedback", NULL}, 1, 1},
    {"Liam O'Connor", "Head of Audience Growth", "Marketing", 0, 0, {"strategy", "accountability", NULL}, 0, M},
    {"Nina Petrova", "Director of People", "People", 0, 12, {"difficult_conversation", "work_life", NULL}, 0, 1},
    {"Ethan Brooks", "Product Manager", "Product", 0, -1, {"promotion", NULL}, 0, 0},

    {"Dr. Rachel Stein", "Chief Scientific Officer", "R&D", 1, 3, {"board_presentation", "strategy", NULL}, 0, 1},
    {"Omar Farouk", "Director of Clinical Operations", "Clinical Operations", 1, 1, {"burnout", "delegation", NULL}, 0, 1},
    {"Grace Liu", "Head of Regulatory Affairs", "Regulatory", 1, 7, {"managing_up", "peer_conflict", NULL}, 0, 1},
    {"Peter Novak", "VP of Manufacturing", "Operations", 1, 13, {"decision_making", "change_management", NULL}, 0, 1},
    {"Isabel Moreno", "Senior Scientist", "R&D", 1, 2, {"imposter", "promotion", NULL}, 0, 1},
    {"Daniel Kim", "Chief Financial Officer", "Finance", 1, 9, {"board_presentation", "executive_presence", NULL}, 0, 0},
    {"Hana Yoshida", "Director of Quality", "Quality", 1, 4, {"burnout", "work_life", NULL}, 2, 1},
    {"Chris Mbeki", "Head of Business Development", NULL, 1, 6, {"strategy", "managing_up", NULL}, 0, 1},

    {"Michael Turner", "SVP of Operations", "Operations", 2, 3, {"change_management", "strategy", NULL}, 0, 1},
    {"Laura Jensen", "Regional Director, Midwest", "Operations", 2, 7, {"accountability", "difficult_conversation", NULL}, 0, 1},
    {"Carlos Mendes", "Director of Fleet", "Fleet", 2, 13, {"decision_making", "hiring", NULL}, 0, 1},
    {"Priya Raman", "VP of Technology", "Engineering", 2, 5, {"remote_teams", "delegation", NULL}, 0, 1},
    {"Kevin Walsh", "Warehouse Operations Manager", "Operations", 2, 12, {"feedback", "accountability", NULL}, 0, 1},
    {"Angela Ross", "Chief People Officer", "People", 2, 0, {"change_management", "difficult_conversation", NULL}, 0, 1},
    {"Tariq Hussein", "Director of Procurement", "Procurement", 2, 11, {"peer_conflict", "managing_up", NULL}, 1, 1},
    {"Emily Foster", "Head of Customer Experience", "Customer Success", 2, 8, {"strategy", "executive_presence", NULL}, 0, M},

    {"Zoe Harper", "Chief Executive Officer", "Executive", 3, 0, {"board_presentation", "delegation", NULL}, 0, 1},
    {"Raj Malhotra", "Chief Technology Officer", "Engineering", 3, 5, {"hiring", "remote_teams", NULL}, 0, 1},
    {"Leah Goldberg", "Head of Curriculum", "Product", 3, 10, {"career_transition", "imposter", NULL}, 0, 1},
    {"Sam Okafor", "Head of Growth", "Marketing", 3, 8, {"strategy", "accountability", NULL}, 0, 1},
    {"Ivy Nguyen", "Engineering Lead", "Engineering", 3, 12, {"imposter", "feedback", NULL}, 0, 1},
    {"Marco Bianchi", "Head of Sales", "Sales", 3, 7, {"hiring", "managing_up", NULL}, 0, 1},
    {"Tessa Lund", "Operations Manager", "Operations", 3, 4, {"burnout", "work_life", NULL}, 0, 1},
    {"Noah Feldman", "Product Designer", "Design", 3, -1, {NULL}, 0, 1},

    {"Dr. Alicia Grant", "Chief Medical Officer", "Clinical", 4, 6, {"executive_presence", "change_management", NULL}, 0, 1},
    {"Robert Chen", "VP of Finance", "Finance", 4, 9, {"decision_making", "board_presentation", NULL}, 0, 1},
    {"Jasmine Patel", "Director of Nursing", "Nursing", 4, 4, {"burnout", "difficult_conversation", NULL}, 0, 1},
    {"Thomas Reilly", "Chief Information Officer", "IT", 4, 1, {"change_management", "remote_teams", NULL}, 0, 1},
    {"Fatima Al-Sayed", "Director of Patient Experience", "Patient Experience", 4, 10, {"promotion", "executive_presence", NULL}, 2, 1},
    {"Greg Hoffman", "Hospital Administrator", "Operations", 4, 13, {"accountability", "decision_making", NULL}, 0, 0},
    {"Monica Diaz", "Head of Compliance", "Legal", 4, 7, {"peer_conflict", "feedback", NULL}, 0, 1},
    {"Andre Williams", "Director of Facilities", NULL, 4, 11, {"change_management", NULL}, 1, 1},

    {"Victoria Hayes", "Chief Risk Officer", "Risk", 5, 6, {"board_presentation", "managing_up", NULL}, 0, 1},
    {"James Whitaker", "Managing Director, Wealth", "Wealth Management", 5, 9, {"career_transition", "strategy", NULL}, 0, 1},
    {"Elena Sokolova", "Head of Data Science", "Data", 5, 8, {"promotion", "executive_presence", NULL}, 2, 1},
    {"David Park", "VP of Engineering", "Engineering", 5, 6, {"delegation", "hiring", NULL}, 0, 1},
    {"Nadia Rahman", "Director of Compliance", "Compliance", 5, 3, {"peer_conflict", "difficult_conversation", NULL}, 0, 1},
    {"Steven Clarke", "Head of Retail Banking", "Retail Banking", 5, 0, {"change_management", "accountability", NULL}, 0, M},
    {"Olivia Bennett", "Senior Portfolio Manager", "Investments", 5, 2, {"imposter", "work_life", NULL}, 0, 1},
    {"Marcus Lee", "Chief Operating Officer", "Operations", 5, 13, {"decision_making", "strategy", NULL}, 0, 1},

    {"Lena Vogel", "Co-founder and CEO", "Executive", 6, 5, {"delegation", "board_presentation", NULL}, 0, 1},
    {"Tobias Krüger", "Head of Hardware Engineering", "Engineering", 6, 13, {"feedback", "hiring", NULL}, 0, 1},
    {"Amira Haddad", "Head of Operations", "Operations", 6, 11, {"burnout", "change_management", NULL}, 0, 1},
    {"Felix Andersson", "Software Lead", "Engineering", 6, 12, {"imposter", "promotion", NULL}, 2, 1},
    {"Julia Nowak", "Head of People", "People", 6, 10, {"work_life", "difficult_conversation", NULL}, 0, 1},
    {"Henrik Larsen", "VP of Sales", "Sales", 6, 7, {"managing_up", "accountability", NULL}, 0, 1},
    {"Sara Rossi", "Product Lead", "Product", 6, 2, {"strategy", "executive_presence", NULL}, 0, 1},
    {"Jonas Weber", "Manufacturing Engineering Manager", "Manufacturing", 6, 4, {"remote_teams", "accountability", NULL}, 0, 1},

    {"Paul Mitchell", "General Manager", "Executive", 7, 3, {"change_management", "decision_making", NULL}, 0, 0},
    {"Karen Olsen", "Director of Grid Operations", "Operations", 7, 9, {"burnout", "accountability", NULL}, 0, 0},
    {"Luis Romero", "Head of Renewables", "Strategy", 7, 11, {"strategy", "career_transition", NULL}, 0, 1},
    {"Diane Foster", "Chief Financial Officer", "Finance", 7, 6, {"board_presentation", "peer_conflict", NULL}, 0, 0},
    {"Ahmed Saleh", "Field Operations Manager", "Field Operations", 7, 1, {"feedback", "remote_teams", NULL}, 1, 1},
    {"Megan Clarke", "HR Business Partner", "People", 7, 12, {"difficult_conversation", "work_life", NULL}, 0, 1},
    {"Yusuf Demir", "Data Analyst", "Data", 7, 8, {"promotion", "imposter", NULL}, 0, 1},
    {"Rosa Martinez", NULL, "Community", 7, 10, {"managing_up", "executive_presence", NULL}, 0, 1},

    {"Hiroshi Sato", "SVP of Cloud Infrastructure", "Engineering", 8, 0, {"strategy", "change_management", NULL}, 0, 1},
    {"Rebecca Stone", "Director of Site Reliability", "Engineering", 8, 1, {"burnout", "accountability", NULL}, 0, 1},
    {"Ahmed Karimi", "Principal Product Manager", "Product", 8, 8, {"promotion", "managing_up", NULL}, 0, 1},
    {"Lina Morales", "VP of Enterprise Sales", "Sales", 8, 6, {"executive_presence", "hiring", NULL}, 2, 1},
};
const size_t seed_nclients = sizeof seed_clients / sizeof seed_clients[0];
/* clang-format on */

"""The conversations the load generator plays. Ours follow the end-to-end tests' journeys (so
each answer is one the assistant understands); the starter's use the intents `rasa init` trains."""

# Each journey is the messages one person sends, in order, as the widget sends them ("/greet" on
# opening). A virtual user plays them with a new conversation id each time.
OURS = {
    "faq": [
        "/greet",
        "what is a personal health budget?",
        "what can it pay for?",
        "who can have one?",
        "how do I start?",
        "thanks",
        "bye",
        "No thanks",
    ],
    "eligibility": [
        "/greet",
        "Could I get one?",
        "For someone I care for",
        "Yes, 18 or over",
        "No",
        "not sure",
        "I don't know",
        "thank you",
    ],
    "money": [
        "/greet",
        "Ways to manage the money",
        "Help me choose",
        "Care and support",
        "yes i would",
        "yes",
        "yes i think so",
        "no one",
        "I'm fine with that",
    ],
    "outcomes": [
        "/greet",
        "Help with my outcomes",
        "my family, and getting out",
        "I can get about but I'm lonely",
        "I'd like to get out and see my friends more",
        "I want to go swimming",
        "Keep my words",
        "Finish",
    ],
    "intake": [
        "/greet",
        "Leave my details for the team",
        "Yes, I agree",
        "Family or a carer",
        "daughter",
        "Jo Bench",
        "12th March 1950",
        "943 476 5919",
        "ME14 1XX",
        "Email",
        "jo.bench@example.org",
        "Afternoon",
        "No, none",
        "No, nothing else",
        "Send my details",
    ],
}
# How often each journey starts: most people ask a question or two; fewer leave details.
OURS_WEIGHTS = {"faq": 4, "eligibility": 2, "money": 1, "outcomes": 1, "intake": 1}

STARTER = {
    "happy": ["hi", "I am great", "bye"],
    "sad": ["hello", "I am sad", "yes", "thanks, bye"],
    "sad_no": ["hey there", "very sad", "no", "goodbye"],
    "bot": ["good morning", "are you a bot?", "amazing", "see you later"],
}
STARTER_WEIGHTS = {"happy": 2, "sad": 1, "sad_no": 1, "bot": 1}

#pragma once
// The word lists and post/summary templates behind demo_data.cpp. Placeholders are {key}; the
// keys are the facts drawn for every example (see demo_data.cpp drawFacts). Internal header.

#include <array>
#include <string_view>

namespace cl::demo {

struct Scenario {
    std::string_view subreddit;
    std::string_view title;
    std::string_view post;
    std::array<std::string_view, 2> summaries; ///< two phrasings; each states facts of the post
    /// Lines an author might end the post with as their own "TL;DR:" (no facts): base LM text.
    std::array<std::string_view, 3> authorTldrs;
    /// "EDIT:" lines restating facts of the post, as authors do when commenters ask: base LM
    /// text that teaches copying a fact from earlier in the context, as web text does.
    std::array<std::string_view, 2> authorEdits;
};

inline constexpr std::array<std::string_view, 30> kNames = {
    "Alex", "Ben", "Chloe", "Dana", "Ethan", "Fiona", "Greg", "Hannah", "Ivan", "Julia",
    "Kevin", "Laura", "Mark", "Nina", "Oscar", "Paula", "Quinn", "Rosa", "Sam", "Tina",
    "Victor", "Wendy", "Yusuf", "Zoe", "Aaron", "Bella", "Carlos", "Diana", "Eric", "Maya"};

inline constexpr std::array<std::string_view, 30> kCities = {
    "Austin", "Boston", "Denver", "Seattle", "Chicago", "Portland", "Dallas", "Miami",
    "Atlanta", "Phoenix", "Toronto", "Vancouver", "London", "Dublin", "Berlin", "Madrid",
    "Sydney", "Melbourne", "Houston", "Detroit", "Nashville", "Orlando", "Tampa", "Calgary",
    "Ottawa", "Glasgow", "Leeds", "Munich", "Oslo", "Vienna"};

inline constexpr std::array<std::string_view, 12> kRoles = {
    "analyst", "engineer", "nurse", "designer", "accountant", "developer",
    "editor", "technician", "chef", "consultant", "architect", "scientist"};

/// Ordered: a rejected summary may promote a title to a later entry ("a higher title").
inline constexpr std::array<std::string_view, 5> kLevels = {"junior", "senior", "lead",
                                                            "principal", "head"};

inline constexpr std::array<std::string_view, 16> kObjects = {
    "car", "laptop", "bike", "camera", "guitar", "drone", "couch", "TV",
    "fridge", "printer", "kayak", "piano", "grill", "tablet", "speaker", "telescope"};

inline constexpr std::array<std::string_view, 4> kPets = {"puppy", "kitten", "rabbit", "parrot"};

inline constexpr std::array<std::string_view, 6> kIntros = {
    "", "", "Throwaway account for obvious reasons. ", "Long time lurker, first post. ",
    "Sorry for the formatting, I am on mobile. ", "Bit of a long one, sorry. "};

inline constexpr std::array<std::string_view, 6> kOutros = {
    "", " Any advice is welcome.", " What would you do?", " Am I overreacting?",
    " Thanks for reading.", " I really need some outside opinions."};

inline constexpr std::array<Scenario, 5> kScenarios = {{
    {"careerguidance", "Should I take a promotion in {city2}?",
     "I ({age}{g}) have worked as a {level} {role} in {city} for {years} years. Last week my "
     "manager {name} offered me a {newlevel} {role} position in {city2} with a salary of "
     "${salary}. My partner ({age2}{g2}) has a good job here and does not want to move. We also "
     "just adopted a {pet}.",
     {"I ({age}{g}) was offered a {newlevel} {role} job in {city2} for ${salary}, but my partner "
      "does not want to leave {city}.",
      "Offered a {newlevel} {role} position in {city2} paying ${salary} after {years} years in "
      "{city}; my partner ({age2}{g2}) will not move."},
     {"should I take the promotion or stay for my partner?",
      "dream job or relationship, what do I do?",
      "job offer far away and my partner will not move."},
     {"EDIT: to answer some questions, the new job pays ${salary} and {city2} is far from {city}.",
      "EDIT: yes, I have been a {level} {role} for {years} years and {name} is my manager."}},
    {"roommates", "Roommate will not return my {object}",
     "My roommate {name} ({age}{g}) borrowed my {object} {months} months ago and still has not "
     "given it back. I paid ${price} for it and I need it for work. We have lived together in "
     "{city} for {years} years and I do not want to ruin the friendship. Every time I ask, "
     "{name} changes the subject.",
     {"Roommate {name} ({age}{g}) borrowed my ${price} {object} {months} months ago and will not "
      "give it back.",
      "{name} has kept my {object} for {months} months; it cost ${price} and I need it back."},
     {"roommate borrowed my stuff and will not give it back.",
      "how do I get my things back without a fight?",
      "roommate keeps avoiding the question."},
     {"EDIT: the {object} was ${price}, and yes, {name} knows I need it.",
      "EDIT: {name} and I have lived in {city} for {years} years."}},
    {"relationships", "My partner wants us to move to {city2}",
     "My partner {name} ({age2}{g2}) and I ({age}{g}) have been together for {years} years. "
     "{name} got into a program in {city2} and wants us to move there in {months} months. I work "
     "as a {level} {role} in {city} and make ${salary} a year, and I would have to start over.",
     {"Partner of {years} years wants to move to {city2} in {months} months; I would lose my "
      "${salary} {level} {role} job in {city}.",
      "{name} ({age2}{g2}) wants us to move to {city2}, but I make ${salary} as a {level} {role} "
      "in {city}."},
     {"partner wants to move away for school and I do not.",
      "move for my partner or keep my career?",
      "we cannot agree about moving."},
     {"EDIT: {name} is {age2}{g2} and the program in {city2} starts in {months} months.",
      "EDIT: for those asking, I make ${salary} as a {level} {role}."}},
    {"legaladvice", "Neighbor's dogs keep breaking my stuff",
     "My neighbor {name} ({age}{g}) has {count} dogs that keep getting into my yard in {city}. I "
     "have lived in this house for {years} years without any problems. Last week the dogs "
     "destroyed my {object}, which cost ${price}. {name} refuses to pay for it and says it is "
     "not their fault.",
     {"Neighbor {name} has {count} dogs that destroyed my ${price} {object}, and {name} refuses "
      "to pay.",
      "After {years} years in {city}, my neighbor's {count} dogs broke my {object} (${price})."},
     {"neighbor's dogs broke my things and they will not pay.",
      "who pays when the neighbor's dogs break your stuff?",
      "dogs keep getting into my yard."},
     {"EDIT: it is {count} dogs, and the {object} cost ${price}.",
      "EDIT: {name} is {age}{g} and has lived next door for years."}},
    {"personalfinance", "My brother wants to borrow ${price} again",
     "My brother {name} ({age2}{g2}) asked me to lend him ${price} to fix his {object}. I am "
     "{age} and work as a {level} {role} in {city}, earning ${salary} a year. He still owes me "
     "money from {months} months ago and has not paid back a cent.",
     {"Brother {name} ({age2}{g2}) wants ${price} for his {object} but still owes me from "
      "{months} months ago.",
      "I make ${salary} as a {level} {role}; my brother ({age2}{g2}) wants to borrow ${price} "
      "again."},
     {"brother wants another loan and never paid back the last one.",
      "should I lend money to family again?",
      "brother keeps asking for money."},
     {"EDIT: {name} is {age2}{g2}, and he wants ${price} for the {object}.",
      "EDIT: I earn ${salary} a year as a {level} {role} in {city}."}},
}};

} // namespace cl::demo

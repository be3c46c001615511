using System.Collections.Frozen;

namespace LlmFallback;

/// <summary>The English word lists the semantic guards read. Small on purpose: each word is one that flips an answer.</summary>
internal static class WordLists
{
    public static readonly FrozenSet<string> Stop = FrozenSet.ToFrozenSet(
    [
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "doing",
        "how", "what", "whats", "when", "where", "why", "who", "whom", "which", "can", "could", "would", "should", "will",
        "shall", "may", "might", "must", "i", "im", "ive", "id", "me", "my", "mine", "you", "your", "yours", "we", "us",
        "our", "it", "its", "this", "that", "these", "those", "there", "here", "of", "in", "on", "at", "for", "with",
        "by", "about", "as", "and", "or", "if", "so", "please", "tell", "explain", "any", "some", "have", "has", "had",
        "get", "got", "much", "many", "way", "ways", "just", "also", "really", "very", "want", "wanted", "need",
        "like", "know", "let", "lets", "someone", "anyone", "thing", "things", "possible", "able", "hi", "hello", "hey",
        "thanks", "thank", "kindly", "quick", "question", "help", "them", "they", "their", "he", "she", "his", "her",
        "him", "go", "going", "make", "up", "s", "t", "one's", "ok", "okay", "then", "too", "either", "all",
    ], StringComparer.Ordinal);

    public static readonly FrozenSet<string> Negation = FrozenSet.ToFrozenSet(
    [
        "not", "no", "never", "without", "none", "nobody", "nothing", "nowhere", "neither", "nor", "cannot", "cant",
        "wont", "dont", "doesnt", "isnt", "arent", "wasnt", "werent", "shouldnt", "wouldnt", "couldnt", "didnt",
        "hasnt", "havent", "hadnt", "mustnt", "aint", "except", "excluding", "exclude", "non", "lack", "lacking",
    ], StringComparer.Ordinal);

    public static readonly FrozenSet<string> Comparative = FrozenSet.ToFrozenSet(
    [
        "more", "less", "fewer", "most", "least", "greater", "larger", "bigger", "smaller", "higher", "lower",
        "cheaper", "pricier", "faster", "slower", "better", "worse", "best", "worst", "older", "newer", "younger",
        "earlier", "later", "longer", "shorter", "above", "below", "over", "under", "before", "after", "increase",
        "decrease", "maximum", "minimum", "max", "min", "exceed", "exceeds", "beyond", "within", "plus", "minus",
        "largest", "smallest", "highest", "lowest", "cheapest", "fastest", "slowest", "strongest", "weakest",
        "heavier", "lighter", "hotter", "colder", "warmer", "cooler", "up", "down", "top", "bottom", "first", "last",
        "upper", "off", "out", "since", "until", "prior", "next", "previous", "greatest", "oldest", "newest", "latest", "earliest",
    ], StringComparer.Ordinal);

    /// <summary>Words that give the following words a role: "from A to B" and "from B to A" are different requests.</summary>
    public static readonly FrozenDictionary<string, byte> Roles = new Dictionary<string, byte>(StringComparer.Ordinal)
    {
        ["from"] = 1, ["to"] = 2, ["into"] = 2, ["onto"] = 2, ["toward"] = 2, ["towards"] = 2, ["than"] = 3,
        ["vs"] = 4, ["versus"] = 4, ["against"] = 4, ["between"] = 5, ["per"] = 6, ["via"] = 7, ["through"] = 7,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Months, days and relative dates: entities whatever their case.</summary>
    public static readonly FrozenSet<string> Dates = FrozenSet.ToFrozenSet(
    [
        "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
        "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow", "yesterday", "tonight",
        "weekend", "weekday", "morning", "afternoon", "evening", "night", "spring", "summer", "autumn", "fall", "winter",
        "daily", "weekly", "monthly", "yearly", "annual", "annually", "quarterly", "hourly",
    ], StringComparer.Ordinal);

    public static readonly FrozenDictionary<string, string> NumberWords = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["zero"] = "0", ["one"] = "1", ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5", ["six"] = "6",
        ["seven"] = "7", ["eight"] = "8", ["nine"] = "9", ["ten"] = "10", ["eleven"] = "11", ["twelve"] = "12",
        ["thirteen"] = "13", ["fourteen"] = "14", ["fifteen"] = "15", ["sixteen"] = "16", ["seventeen"] = "17",
        ["eighteen"] = "18", ["nineteen"] = "19", ["twenty"] = "20", ["thirty"] = "30", ["forty"] = "40",
        ["fifty"] = "50", ["sixty"] = "60", ["seventy"] = "70", ["eighty"] = "80", ["ninety"] = "90",
        ["hundred"] = "100", ["thousand"] = "1000", ["million"] = "1000000", ["billion"] = "1000000000",
        ["dozen"] = "12", ["half"] = "0.5", ["quarter"] = "0.25", ["twice"] = "x2", ["double"] = "x2", ["triple"] = "x3",
        ["third"] = "3rd", ["fourth"] = "4th", ["fifth"] = "5th", ["single"] = "1", ["once"] = "1x", ["both"] = "2",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Opposites that share no root; each pair maps to one group name.</summary>
    public static readonly FrozenDictionary<string, string> Opposites = Pairs(
        "open/close", "start/stop", "buy/sell", "add/remove", "accept/reject", "allow/deny", "allow/block", "true/false",
        "male/female", "win/lose", "push/pull", "send/receive", "left/right", "north/south", "east/west", "debit/credit",
        "income/expense", "hot/cold", "light/dark", "early/late", "fast/slow", "positive/negative", "pass/fail",
        "public/private", "internal/external", "online/offline", "new/old", "cheap/expensive", "big/small",
        "long/short", "high/low", "safe/dangerous", "lend/borrow", "arrive/depart", "arrival/departure", "day/night",
        "summer/winter", "ascending/descending", "asc/desc", "increase/reduce", "add/delete", "create/delete",
        "join/leave", "enter/exit", "inside/outside", "min/max", "minimum/maximum", "first/last", "top/bottom",
        "husband/wife", "boy/girl", "men/women", "man/woman", "parent/child", "buyer/seller", "employer/employee",
        "landlord/tenant", "hire/fire", "rise/fall", "gain/loss", "profit/loss", "asset/liability", "import/export",
        "upload/download", "input/output", "inbound/outbound", "incoming/outgoing", "sunrise/sunset", "wet/dry",
        "legal/illegal", "shallow/deep", "thick/thin", "wide/narrow", "heavy/light", "strong/weak", "rich/poor",
        "win/loss", "gain/lose", "pro/con", "pros/cons", "attack/defend", "forward/backward", "upstairs/downstairs", "before/after", "over/under");

    private static FrozenDictionary<string, string> Pairs(params string[] pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var slash = pair.IndexOf('/', StringComparison.Ordinal);
            var group = "~" + pair;
            map.TryAdd(pair[..slash], group);
            map.TryAdd(pair[(slash + 1)..], group);
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

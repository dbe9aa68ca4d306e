"""Built-in synonym groups and communication-cue lexicons.

Plain data only: ``simulator.domain.matching`` normalises and compiles these once.
Every phrase is written the way a person would type it; the matcher folds case,
punctuation, inflections and contractions, so "reboot" also covers "rebooted".
"""

from __future__ import annotations

#: Each group's phrases match each other (the first phrase is the group's name).
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("restart", "reboot", "power cycle", "turn it off and on again", "turn it off and on",
     "switch it off and on again"),
    ("password", "passcode", "passwd", "pwd"),
    ("log in", "login", "sign in", "signin", "log on", "logon", "sign on"),
    ("log out", "logout", "sign out", "signout", "log off", "logoff"),
    ("computer", "pc", "workstation"),
    ("laptop", "notebook"),
    ("what changed", "anything changed", "what has changed", "any changes",
     "anything different", "changed recently", "anything new"),
    ("since when", "how long has", "when did it start", "when did this start",
     "when did it begin", "when did this begin", "when did it happen", "when did this happen",
     "how long ago"),
    ("error message", "error text", "exact error", "message on the screen",
     "what does it say", "what does the error say", "what the error says"),
    ("multi factor authentication", "multifactor authentication", "multi factor", "mfa",
     "2fa", "two factor", "two step verification", "2 step verification"),
    ("credential manager", "windows credentials", "saved credentials", "stored credentials",
     "cached credentials"),
    ("outlook on the web", "outlook web access", "outlook web app", "owa", "webmail"),
    ("remote session", "remote desktop", "remote connection", "remote control",
     "remote access", "quick assist", "remote in", "remote into", "connect remotely"),
    ("escalate", "escalation", "pass it on to", "hand it over to", "raise it with",
     "refer it to"),
    ("ticket", "incident", "case number", "ticket number", "incident number"),
    ("apologise", "apologize", "apology", "apologies", "sorry"),
    ("flush dns", "flushdns", "flushed the dns", "clear the dns cache", "cleared the dns cache",
     "flush the dns cache"),
    ("hosts file", "etc hosts"),
    ("internet connection", "internet access", "network connection", "connectivity"),
    ("verify identity", "verify your identity", "confirm your identity", "identity check",
     "identity verification", "prove who you are"),
    ("call back", "callback", "ring you back", "phone you back"),
    ("manager approval", "approval from your manager", "manager to approve",
     "your manager approve", "line manager approval"),
    ("printer", "printing device", "print device"),
    ("phishing", "phish", "suspicious email", "suspicious message", "scam email"),
    ("locked out", "account is locked", "account locked", "lockout", "lock out"),
    ("wifi", "wi fi", "wireless"),
    ("screenshot", "screen shot", "screen capture", "screen grab"),
)

#: Cue lexicons: phrases that signal a communication behaviour in a dialogue turn.
CUE_PHRASES: dict[str, tuple[str, ...]] = {
    "empathy": (
        "i understand", "i completely understand", "i can understand", "understand how",
        "i can imagine", "i can see how", "i see how", "i know how", "i hear you",
        "that sounds frustrating", "sounds frustrating", "must be frustrating",
        "that is frustrating", "how frustrating", "must be stressful", "sounds stressful",
        "that sounds stressful", "that must be", "that sounds difficult", "must be annoying",
        "that is annoying", "sounds annoying", "what a pain", "stressful", "frustrating",
        "i get it", "understandable", "i would feel the same", "under pressure",
        "sorry to hear", "that is not good", "no wonder",
    ),
    "courtesy": (
        "please", "thank you", "thanks", "hello", "hi", "good morning", "good afternoon",
        "good evening", "appreciate", "happy to help", "glad to help", "you are welcome",
        "have a good day", "have a great day", "have a nice day", "my pleasure",
        "would you mind", "could you please", "could you", "may i", "kind regards",
    ),
    "apology": (
        "sorry", "apologise", "apologize", "apologies", "my apologies", "i apologise",
        "regret the inconvenience", "sorry for the trouble", "sorry about",
    ),
    "blame": (
        "your fault", "you should have", "you should not have", "you broke", "you caused",
        "user error", "your mistake", "you must have done", "you messed", "you did it wrong",
        "you did something", "why did you", "you clearly", "you were told", "you keep",
        "pebkac", "id10t", "their fault", "other team fault", "not our fault",
    ),
    "dismissive": (
        "calm down", "relax", "as i told you", "as i said", "as i already said", "like i said",
        "like i told you", "i already told you", "it is policy", "it is our policy",
        "that is policy", "our policy", "company policy", "not my problem", "not my job",
        "nothing i can do", "whatever", "obviously", "deal with it", "that is just how it is",
        "you need to calm", "just wait", "be patient", "not a big deal", "stop panicking",
    ),
}

#: Technical terms a non-technical caller may not follow; ``ADVANCED`` ones also
#: lose a medium-level caller. A high-level caller follows everything.
JARGON_BASIC: tuple[str, ...] = (
    "dns", "dhcp", "ip address", "ip", "ipconfig", "subnet", "gateway", "router", "port",
    "firewall", "vpn", "cache", "registry", "firmware", "bios", "uefi", "proxy",
    "hostname", "ping", "latency", "packet", "bandwidth", "ssid", "spooler", "credential manager",
    "command prompt", "cmd", "powershell", "terminal", "mfa", "token", "profile", "sync",
    # "driver" alone is a lorry driver: only device drivers are jargon
    "printer driver", "print driver", "device driver", "graphics driver", "display driver",
    "video driver", "network driver", "audio driver", "sound driver", "usb driver",
    "wifi driver", "driver update", "update driver", "reinstall driver", "install driver",
    "driver version", "roll back driver",
)
JARGON_ADVANCED: tuple[str, ...] = (
    "nslookup", "tracert", "traceroute", "apipa", "tcp", "udp", "kerberos", "ldap", "ntlm",
    "active directory", "group policy", "gpo", "autodiscover", "mapi", "imap", "smtp",
    "oauth", "saml", "adal", "wam", "aad", "entra", "conditional access", "tenant", "sso",
    "fqdn", "ttl", "nat", "vlan", "mac address", "smb", "sid", "sfc", "dism", "cname",
    "mx record", "aaaa record", "ptr record", "txt record", "srv record", "ns record",
    "soa record", "ttls", "tls", "ssl", "certificate chain", "broker", "rpc",
    "split tunnel", "split dns", "ike", "ipsec", "arp", "subnet mask", "default gateway",
)
#: Jargon that phrases cannot express because articles are dropped: a DNS "A record"
#: (capital A inside a sentence, or after "an"/"dns"), never "a record of the call".
JARGON_PATTERNS: tuple[str, ...] = (
    r"[^.!?\s]\s+A records?\b",
    r"(?i)\b(?:an|dns) a records?\b",
)

#: Short words that glue sentences together; a turn almost without them is a
#: keyword list rather than something a person would say to a caller.
_GLUE = """
    i me my we our you your he him his she her it its they them their this that these those
    there here
    is am are was were be been being do does did have has had will would can could should
    shall may might must to of for on in at by with from about into over after before
    and or but so if then than as because while when what which who whom how why where
    just also please not no never any some all let us okay ok yes hi hello thanks thank
    """
FUNCTION_WORDS: frozenset[str] = frozenset(_GLUE.split())

#: Casual fillers: neither glue nor keywords ("yeah fine, whatever" is not a keyword list).
_FILLERS = """
    yeah yep yup yes yea nope nah sure fine right alright cool great good well oh um uh
    hmm whatever cheers mate thing thanks okay ok really actually anyway again today now
    """
FILLERS: frozenset[str] = frozenset(_FILLERS.split())

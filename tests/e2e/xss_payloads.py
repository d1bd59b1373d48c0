"""Hostile text for tests/e2e/test_xss.py: each payload tries to run script in the page.

Every payload that could run calls alert(N), sets window.__xss, or leaves an element or
attribute the page scan refuses (an on* handler, a javascript:, vbscript: or data:text/html URL,
an iframe, a base or a meta refresh). Template payloads compute 7*7777 = 54439, a number that
must never appear. Each is at most 120 characters, so it fits every text field.
"""

TEMPLATE_RESULT = "54439"  # 7 * 7777: a template engine evaluated the text

SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(2)</SCRIPT>",
    "<script src=data:text/javascript,alert(3)></script>",
    "<script>window.__xss=4</script>",
    '"><script>alert(5)</script>',
    "'><script>alert(6)</script>",
    "</textarea><script>alert(7)</script>",
    "</title><script>alert(8)</script>",
    "</style><script>alert(9)</script>",
    "<scr<script>ipt>alert(10)</scr</script>ipt>",
    "<script type=module>alert(11)</script>",
    "<script/x>alert(12)</script>",
    "<<script>alert(13)//<</script>",
    "</script><script>alert(14)</script>",
    "<!--<script>alert(15)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(16)>">',
    "</option></select><script>alert(17)</script>",
    "<script>/*</script><svg onload=alert(18)>*/</script>",
]

EVENT_HANDLERS = [
    "<img src=x onerror=alert(19)>",
    '<img src=x onerror="window.__xss=20">',
    "<IMG SRC=x OnErRoR=alert(21)>",
    "<svg onload=alert(22)>",
    "<svg/onload=alert(23)>",
    "<body onload=alert(24)>",
    "<details open ontoggle=alert(25)>",
    "<input autofocus onfocus=alert(26)>",
    "<select autofocus onfocus=alert(27)></select>",
    "<video><source onerror=alert(28)></video>",
    "<audio src=x onerror=alert(29)>",
    "<iframe onload=alert(30)></iframe>",
    "<marquee onstart=alert(31)>x</marquee>",
    "<div onmouseover=alert(32) style=position:fixed;inset:0>hover</div>",
    "<img src=x:alert(33) onerror=eval(src)>",
    '<img src="x" onerror="&#97;lert(34)">',
    "<img src=x onerror=\\u0061lert(35)>",
    "<object data=x onerror=alert(36)>",
    "<form><button formaction=javascript:alert(37)>go</button></form>",
    "<textarea autofocus onfocus=alert(38)>",
    "<style onload=alert(39)></style>",
    "<link rel=stylesheet href=x onerror=alert(40)>",
    "<img src=x onerror=alert&lpar;41&rpar;>",
    "<a onclick=alert(42) href=#>click</a>",
    "<body onpageshow=alert(43)>",
    "<img src=x onerror=&#x61;&#x6C;&#x65;&#x72;&#x74;(44)>",
]

URLS = [
    '<a href="javascript:alert(45)">j</a>',
    '<a href="JaVaScRiPt:alert(46)">j</a>',
    '<a href=" javascript:alert(47)">j</a>',
    '<a href="java&#x09;script:alert(48)">j</a>',
    '<a href="java&#10;script:alert(49)">j</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(50)">j</a>',
    '<a href="&#x6A;avascript&colon;alert(51)">j</a>',
    '<a href="javascript&#58;alert(52)">j</a>',
    '<a href="\x01javascript:alert(53)">j</a>',
    '<a href="jav\tascript:alert(54)">j</a>',
    '<a href="vbscript:msgbox(55)">v</a>',
    '<a href="VBScript:alert(56)">v</a>',
    '<a href="data:text/html,<script>alert(57)</script>">d</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg1NSk8L3NjcmlwdD4=">d</a>',
    '<iframe src="javascript:alert(59)"></iframe>',
    '<iframe src="data:text/html,<script>parent.alert(60)</script>"></iframe>',
    '<iframe srcdoc="<script>parent.alert(61)</script>"></iframe>',
    '<embed src="javascript:alert(62)">',
    '<object data="javascript:alert(63)"></object>',
    '<form action="javascript:alert(64)"><input type=submit></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(65)">',
    '<base href="javascript:alert(66)//">',
    "javascript:alert(67)",
    "data:text/html,<script>alert(68)</script>",
    '<a href="&#0000106avascript:alert(69)">j</a>',
    "<a href=javascript&NewLine;:alert(70)>j</a>",
]

SVG_AND_MATHML = [
    '<math><a xlink:href="javascript:alert(71)">m</a></math>',
    '<svg><a xlink:href="javascript:alert(72)"><text y=20>s</text></a></svg>',
    "<svg><animate attributeName=href values=javascript:alert(73) /><a><text>x</text></a></svg>",
    "<svg><script>alert(74)</script></svg>",
    "<svg><script href=data:,alert(75) /></svg>",
    "<svg><foreignObject><img src=x onerror=alert(76)></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(77)>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(78)>">',
    "<math><maction actiontype=statusline xlink:href=javascript:alert(79)>m</maction></math>",
    "<svg><set attributeName=onmouseover to=alert(80)>",
    "<svg><image href=x onerror=alert(81) />",
    "<math href=javascript:alert(82)>CLICK</math>",
    "<svg><style>@import'javascript:alert(83)'</style></svg>",
    "<svg><discard onbegin=alert(84)>",
]

MARKDOWN = [
    "[click](javascript:alert(85))",
    "[click](JAVASCRIPT:alert(86))",
    "[click](  javascript:alert(87))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCg3OSk8L3NjcmlwdD4=)",
    '![img](x" onerror="alert(89))',
    "![img](javascript:alert(90))",
    "[a](javascript&#58;alert(91))",
    "[x][r]\n\n[r]: javascript:alert(92)",
    "<javascript:alert(93)>",
    "[a](vbscript:alert(94))",
    "[a](<javascript:alert(95)>)",
    '![x](https://x.invalid/a.png "t\\" onerror=\\"alert(96)")',
    "**<img src=x onerror=alert(97)>**",
    "`<script>alert(98)</script>`",
    '<a href="https://example.org" onclick="alert(99)">ok</a>',
    '[x](https://example.org "t" onmouseover=alert(100))',
    "[a](java\nscript:alert(101))",
    "[a](&#x6A;avascript:alert(102))",
    '<http://x.invalid/?q="><script>alert(103)</script>>',
    "| a |\n|---|\n| <img src=x onerror=alert(104)> |",
]

BROKEN_TAGS = [
    "<img src=x onerror=alert(105)//",
    "<svg onload=alert(106)//",
    '<img """><script>alert(107)</script>">',
    '<a href="x"<img src=x onerror=alert(108)>',
    "<<img src=x onerror=alert(109)>>",
    "<img/src=x/onerror=alert(110)>",
    "<img src=x onerror=alert(111)",
    "</p><img src=x onerror=alert(112)><p>",
    "<!--><img src=x onerror=alert(113)>-->",
    "<![CDATA[<script>alert(114)</script>]]>",
    '<? echo "<script>alert(115)</script>" ?>',
    "<img src=`x` onerror=alert(116)>",
    "<div/onclick=alert(117)>x",
]

ENCODINGS = [
    "&lt;script&gt;alert(118)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(119)&#62;",
    "\\u003cscript\\u003ealert(120)\\u003c/script\\u003e",
    "\uff1cscript\uff1ealert(121)\uff1c/script\uff1e",
    "%3Cscript%3Ealert(122)%3C/script%3E",
    "\\x3cscript\\x3ealert(123)\\x3c/script\\x3e",
    "<scr\u0130pt>alert(124)</scr\u0130pt>",
    "<img src=x on\u200berror=alert(125)>",
    "\u202e<script>alert(126)</script>",
    "+ADw-script+AD4-alert(127)+ADw-/script+AD4-",
    "%253Cscript%253Ealert(128)%253C%252Fscript%253E",
    "\u00bcscript\u00bealert(129)\u00bc/script\u00be",
]

ATTRIBUTE_BREAKOUTS = [
    '" onmouseover="alert(130)',
    "' onmouseover='alert(131)",
    '" autofocus onfocus="alert(132)',
    '"/><svg onload=alert(133)>',
    "`onmouseover=alert(134)`",
    '" accesskey="x" onclick="alert(135)',
    "javascript:/*--></title></style></textarea></script><svg/onload=alert(136)>",
    "';alert(137);//",
    '";alert(138);//',
    "</script><img src=x onerror=alert(139)>",
    '\\";alert(140);//',
    '" style="background:url(javascript:alert(141))',
]

TEMPLATES = [
    "{{7*7777}}",
    "{{ config }}",
    "{{ self.__init__.__globals__ }}",
    "${7*7777}",
    "#{7*7777}",
    "<%= 7*7777 %>",
    "{{constructor.constructor('alert(148)')()}}",
    "[[7*7777]]",
    "{{request.application.__globals__}}",
    "{% for x in (7*7777,) %}{{x}}{% endfor %}",
    "@(7*7777)",
]

CSS = [
    '<style>body{background:url("javascript:alert(153)")}</style>',
    '<div style="background-image:url(javascript:alert(154))">x</div>',
    "<link rel=import href=data:text/html,<script>alert(155)</script>>",
    "<style>@import 'data:text/css,*{x:expression(alert(156))}';</style>",
]

PAYLOADS: list[str] = [
    *SCRIPT_TAGS,
    *EVENT_HANDLERS,
    *URLS,
    *SVG_AND_MATHML,
    *MARKDOWN,
    *BROKEN_TAGS,
    *ENCODINGS,
    *ATTRIBUTE_BREAKOUTS,
    *TEMPLATES,
    *CSS,
]

assert len(PAYLOADS) >= 100
assert len(set(PAYLOADS)) == len(PAYLOADS)
assert all(0 < len(p) <= 120 for p in PAYLOADS)

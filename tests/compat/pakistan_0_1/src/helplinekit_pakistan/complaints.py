"""Complaint drafts addressed to the NCCIA, in English and Urdu.

helplinekit fills ``{reference}``, ``{date}``, ``{categories}``, ``{provisions}`` and
``{authority}`` from the case; the bracketed lines are for the lawyer or the survivor to
complete. Neither draft has been reviewed by a lawyer, and the Urdu one has not been reviewed
by a native speaker either: both are ``reviewed=False``, which helplinekit shows.
"""

from __future__ import annotations

from helplinekit.contracts import ComplaintTemplate

from helplinekit_pakistan.routes import NCCIA

__all__ = ["COMPLAINT_TEMPLATES", "PLACEHOLDERS"]

#: The placeholders the drafts use; helplinekit's legal-options service fills each one.
PLACEHOLDERS = frozenset({"reference", "date", "categories", "provisions", "authority"})

_ENGLISH = """\
To: {authority}
Date: {date}
Subject: Complaint of online harassment (helpline reference {reference})

Respected Sir or Madam,

I wish to report online harassment of the following kind: {categories}.

The conduct may amount to offences under: {provisions}.

[What happened, when, on which platform, and the accounts, usernames or phone numbers \
involved, in order.]

Copies of the evidence are attached: screenshots showing the content, the account, the web \
address and the date and time. I request that my complaint be registered, that the data held \
by the service providers be preserved, and that action be taken under the law.

[Name, CNIC number, and the contact method the complainant marked as safe]
"""

_URDU = """\
بخدمت: {authority}
تاریخ: {date}
موضوع: آن لائن ہراسانی کی شکایت (ہیلپ لائن حوالہ نمبر {reference})

محترم جناب / محترمہ،

میں درج ذیل نوعیت کی آن لائن ہراسانی کی شکایت درج کروانا چاہتا / چاہتی ہوں: {categories}۔

یہ عمل درج ذیل قوانین کے تحت جرم ہو سکتا ہے: {provisions}۔

[کیا ہوا، کب ہوا، کس پلیٹ فارم پر، اور کون سے اکاؤنٹ، یوزر نیم یا فون نمبر اس میں شامل ہیں، \
ترتیب سے لکھیں۔]

ثبوت کی نقول منسلک ہیں: اسکرین شاٹس جن میں مواد، اکاؤنٹ، ویب ایڈریس اور تاریخ و وقت نظر آتے \
ہیں۔ گزارش ہے کہ میری شکایت درج کی جائے، سروس فراہم کرنے والوں کے پاس موجود ڈیٹا محفوظ کروایا \
جائے، اور قانون کے مطابق کارروائی کی جائے۔

[نام، شناختی کارڈ نمبر، اور رابطے کا وہ طریقہ جسے شکایت کنندہ نے محفوظ قرار دیا ہے]
"""

COMPLAINT_TEMPLATES: tuple[ComplaintTemplate, ...] = (
    ComplaintTemplate(language="en", authority=NCCIA, text=_ENGLISH, reviewed=False),
    ComplaintTemplate(language="ur", authority=NCCIA, text=_URDU, reviewed=False),
)

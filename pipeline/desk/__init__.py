"""The clerk's desk (bàn văn thư): review and confirm records in the browser, keep the register of
incoming documents, watch deadlines. ``directives desk`` serves it (:mod:`pipeline.cli_desk`).

Modules, one step each:

``app``        the web application (routes, sessions)          ``views``     what each page shows
``listing``    the inbox: documents and their state              ``form``      the record as a form, and back
``marks``      where fields, references and tasks stand          ``pages``     PDF pages as images, boxes
``cache``      files read once for display                        ``revisions`` confirming; revisions; tasks done
``register``   sổ đăng ký văn bản đến (.xlsx, .csv)               ``deadlines`` tasks by lead agency, due marks
``ics``        the deadlines as an iCalendar feed                 ``gold``      confirmed records as gold records
``auth``       passwords, signed sessions, CSRF tokens           ``tables``    the desk's tables
"""
